/**
 * Schemas shared by the market routes (`marketZoneRoutes.ts`, `marketMeterRoutes.ts`, `marketStandingOrderRoutes.ts`).
 */
import { z } from '@hono/zod-openapi';

/** Where a trade's settlement stands: `matched` before a batch is built, then the batch's state. */
export const TradeStatusSchema = z.enum(['matched', 'built', 'sent', 'confirmed', 'failed', 'empty', 'unsettled']).openapi('TradeStatus');

/** A limit price: integer micro-units of the settlement token per kWh, 0 … 10⁹ (docs/trading_rules.md §Units). */
export const PriceMicroPerKWhSchema = z.number().int().min(0).max(1_000_000_000);

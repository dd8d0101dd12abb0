/**
 * Structured JSON logs (pino) for the relay. One logger per relay, children per room (`room: 'ingest'`, …).
 */
import { pino, type Logger } from 'pino';
import type { RelayConfig } from '../config/relayConfig.ts';

export type { Logger };

/** A pino logger at the configured level, writing JSON lines to stdout. */
export function createLogger(config: Pick<RelayConfig, 'logLevel' | 'relayId'>): Logger {
  return pino({ level: config.logLevel, base: { relay: config.relayId } });
}

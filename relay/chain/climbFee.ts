/**
 * The grid fee per kWh `TradingMarketplace` charges a side that climbed from a zone of level group `fromLevel` to
 * its ancestor of level group `toLevel`: the sum of the fees of the levels entered, fromLevel + 1 … toLevel
 * (docs/contracts.md §Grid fees). The relay mirrors it to fund buyers' escrow exactly.
 */
import type { Address } from 'viem';
import type { TradingParameters } from '../../shared/config/tradingParameters.ts';
import type { ChainClients } from './chainClients.ts';
import { platformAbis } from './platformAbis.ts';

/** Fees per kWh by level group: index 0 = house (1), 1 = feeder (2), 2 = substation (3). */
export type GridFeesByLevel = readonly [bigint, bigint, bigint];

export function climbFeePerKWh(fees: GridFeesByLevel, fromLevel: number, toLevel: number): bigint {
  let fee = 0n;
  for (let level = fromLevel + 1; level <= toLevel; level += 1) fee += fees[level - 1] ?? 0n;
  return fee;
}

/** The configured grid fees (`PET_GRID_FEE_*`) as `deploySystem` and `setGridFees` take them. */
export function gridFeesPerKWhOf(params: Pick<TradingParameters, 'gridFeeMicroPerKWh'>): { house: bigint; feeder: bigint; substation: bigint } {
  const fees = params.gridFeeMicroPerKWh;
  return { house: BigInt(fees.house), feeder: BigInt(fees.feeder), substation: BigInt(fees.substation) };
}

/** The marketplace's grid fees (`gridFees()`). */
export async function readGridFees(clients: ChainClients, marketplace: Address): Promise<GridFeesByLevel> {
  const [house, feeder, substation] = (await clients.publicClient.readContract({ address: marketplace, abi: platformAbis().marketplace, functionName: 'gridFees' } as never)) as readonly [number | bigint, number | bigint, number | bigint];
  return [BigInt(house), BigInt(feeder), BigInt(substation)];
}

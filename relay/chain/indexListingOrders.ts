/**
 * Standing orders placed on-chain (`EnergyListing`, `OrderPlaced` / `OrderCancelled`) indexed back into the relay's
 * `standing_orders`, one per meter (DESIGN §5: each household's standing order lives on-chain or comes through the
 * API). An order names an owner and a zone: it applies to that owner's registered meters in the zone whose
 * on-chain id matches. An offer sets the sell side, a bid the buy side; a limit price of 0 means "auto". The
 * order's `maxWhPerInterval` caps the order like a smaller nameplate would (W = Wh × 3600 / interval). Each order
 * keeps its window [validFromS, validUntilS): the market uses a side only in intervals the window holds
 * (`relay/market/buildIntervalOrders.ts`). Every live order of a side is kept (`standing_order_chain_sides`), so
 * per interval the newest whose window holds it applies and an ended or not yet started newer order does not hide
 * an older one; the stored side shows the newest. A cancelled order drops out; when none is left, the side is
 * cleared. The events and a cursor are stored, so each log is applied once.
 */
import { sql } from 'drizzle-orm';
import { parseEventLogs, type Address } from 'viem';
import { energyListingAbi } from '../../contracts/deploy/abis.ts';
import { zoneIdFromName } from '../../contracts/deploy/zoneId.ts';
import type { StandingPrice } from '../../shared/forecast/sizeOrder.ts';
import { insertChainEvents } from '../store/marketQueries/chainEvents.ts';
import type { ListingOrder } from '../store/marketQueries/listingOrders.ts';
import { readChainCursor, writeChainCursor } from '../store/marketQueries/chainCursors.ts';
import { deleteChainSides, insertChainSide, listChainSides, listStandingOrders, upsertStandingOrder, type StandingSideName, type ValidityWindow } from '../store/marketQueries/standingOrders.ts';
import { queryRows } from '../store/queryRows.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import type { ChainClients } from './chainClients.ts';

/** Side values of `IEnergyListing.Side`. */
const SIDE_OFFER = 0;

async function ownedMeters(db: RelayDatabase, owner: string): Promise<{ address: string; zone: string; nameplateW: number }[]> {
  const rows = await queryRows<{ address: string; zone: string; nameplate_w: unknown }>(
    db,
    sql`SELECT address, zone, nameplate_w FROM meters WHERE owner_address = ${owner.toLowerCase()} AND is_registered AND is_active`,
  );
  return rows.map((row) => ({ address: row.address, zone: row.zone, nameplateW: Number(row.nameplate_w ?? 0) }));
}

async function applyOrder(db: RelayDatabase, order: ListingOrder, isCancelled: boolean, intervalSeconds: number, chainZoneOf: (zone: string) => bigint): Promise<number> {
  const existing = new Map((await listStandingOrders(db)).map((s) => [s.meter, s]));
  const sideName: StandingSideName = order.side === SIDE_OFFER ? 'sell' : 'buy';
  let applied = 0;
  for (const meter of await ownedMeters(db, order.owner)) {
    // A cancel removes the order wherever it applies (by id), even if the meter's zone id changed since it was placed.
    if (!isCancelled && chainZoneOf(meter.zone) !== order.zone) continue;
    const stored = existing.get(meter.address);
    const current = stored?.standing ?? { participant: order.owner.toLowerCase(), nameplatePowerW: meter.nameplateW };
    const windows: { sell?: ValidityWindow | undefined; buy?: ValidityWindow | undefined } = { ...stored?.windows };
    let { sell, buy } = current;
    let nameplatePowerW = current.nameplatePowerW;
    if (isCancelled) {
      // An order no longer on the meter's side (replaced through the API) changes nothing when cancelled.
      if ((await deleteChainSides(db, meter.address, sideName, order.orderId)) === 0) continue;
      const [newest] = await listChainSides(db, meter.address, sideName);
      if (sideName === 'sell') sell = newest?.price;
      else buy = newest?.price;
      windows[sideName] = newest?.window;
    } else {
      const price: StandingPrice = order.limitPricePerKWh === 0n ? { kind: 'auto' } : { kind: 'limit', priceMicroPerKWh: Number(order.limitPricePerKWh) };
      const capW = Math.floor((order.maxWhPerInterval * 3600) / intervalSeconds);
      nameplatePowerW = Math.max(1, meter.nameplateW > 0 ? Math.min(meter.nameplateW, capW) : capW);
      const window = { validFromS: order.validFromS, validUntilS: order.validUntilS };
      await insertChainSide(db, meter.address, sideName, { orderId: order.orderId, price, window, nameplatePowerW });
      // The side shows the newest live order (order ids grow with each placement).
      const [newest] = await listChainSides(db, meter.address, sideName);
      if (sideName === 'sell') sell = newest?.price;
      else buy = newest?.price;
      windows[sideName] = newest?.window;
    }
    const next = { participant: order.owner.toLowerCase(), nameplatePowerW, ...(sell ? { sell } : {}), ...(buy ? { buy } : {}) };
    await upsertStandingOrder(db, meter.address, next, 'chain', windows);
    applied += 1;
  }
  return applied;
}

/**
 * Reads new `EnergyListing` logs since the stored cursor and applies them; resolves with how many meters changed.
 * @example await indexListingOrders(db, chain.clients, chain.addresses.energyListing, 900);
 */
export async function indexListingOrders(
  db: RelayDatabase,
  clients: ChainClients,
  listing: Address,
  intervalSeconds: number,
  /** A zone's on-chain id (`ZoneDirectory.chainZoneOf`; default: the hash of its name). */
  chainZoneOf: (zone: string) => bigint = zoneIdFromName,
): Promise<number> {
  const chainId = clients.chain.id;
  const fromBlock = await readChainCursor(db, chainId, listing);
  const latest = await clients.publicClient.getBlockNumber({ cacheTime: 0 });
  if (fromBlock > latest) return 0;
  const rawLogs = await clients.publicClient.getLogs({ address: listing, fromBlock, toBlock: latest });
  const logs = parseEventLogs({ abi: energyListingAbi, logs: rawLogs });
  const placed = new Map<bigint, ListingOrder>();
  let changed = 0;
  for (const log of logs) {
    if (log.eventName === 'OrderPlaced') {
      const args = log.args as unknown as ListingOrder & { orderId: bigint };
      const order = {
        orderId: args.orderId,
        owner: args.owner,
        zone: args.zone,
        side: Number(args.side),
        maxWhPerInterval: Number(args.maxWhPerInterval),
        limitPricePerKWh: args.limitPricePerKWh,
        validFromS: Number(args.validFromS),
        validUntilS: Number(args.validUntilS),
      };
      placed.set(order.orderId, order);
      changed += await applyOrder(db, order, false, intervalSeconds, chainZoneOf);
    } else if (log.eventName === 'OrderCancelled') {
      const { orderId } = log.args as unknown as { orderId: bigint };
      const order = placed.get(orderId) ?? (await orderFromChain(clients, listing, orderId));
      if (order !== undefined) changed += await applyOrder(db, order, true, intervalSeconds, chainZoneOf);
    }
  }
  await insertChainEvents(
    db,
    logs.map((log) => ({ txHash: log.transactionHash, logIndex: log.logIndex, blockNumber: log.blockNumber, contract: log.address, eventName: log.eventName, args: log.args as Record<string, unknown> })),
  );
  await writeChainCursor(db, chainId, listing, latest + 1n);
  return changed;
}

async function orderFromChain(clients: ChainClients, listing: Address, orderId: bigint): Promise<ListingOrder | undefined> {
  const [order] = (await clients.publicClient.readContract({ address: listing, abi: energyListingAbi, functionName: 'orderOf', args: [orderId] })) as unknown as [
    { owner: string; zone: bigint; side: number; maxWhPerInterval: number; limitPricePerKWh: bigint; validFromS: number; validUntilS: number },
    boolean,
  ];
  if (order.owner === '0x0000000000000000000000000000000000000000') return undefined;
  return {
    orderId,
    owner: order.owner,
    zone: order.zone,
    side: Number(order.side),
    maxWhPerInterval: Number(order.maxWhPerInterval),
    limitPricePerKWh: order.limitPricePerKWh,
    validFromS: Number(order.validFromS),
    validUntilS: Number(order.validUntilS),
  };
}

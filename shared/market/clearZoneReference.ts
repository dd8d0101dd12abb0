/**
 * The zone auction written as plainly as the rules read (`docs/trading_rules.md` §Clearing one zone): entry
 * objects, comparator sorts, one level at a time. It is slow on purpose and used only by tests, to hold the
 * optimised `clearZone` (columns, radix sort, no per-order objects) to exactly the same results on random books.
 * See ADR 0103.
 */
import { amountMicroFloor } from './tradeAmount.ts';
import { clearingPriceFor } from './clearingPriceRule.ts';
import type { ClearZoneOptions, ZoneClearing } from './clearZone.ts';
import { netSelfTrades } from './netSelfTrades.ts';
import type { BookEntry } from './order.ts';
import { rationLevel } from './rationLevel.ts';
import type { Trade } from './trade.ts';

/** Step 3: offers ascending, bids descending by effective limit; equal limits by order id (UTF-16 order). */
function byPriority(isSell: boolean): (a: BookEntry, b: BookEntry) => number {
  return (a, b) => {
    const byLimit = isSell ? a.limitMicroPerKWh - b.limitMicroPerKWh : b.limitMicroPerKWh - a.limitMicroPerKWh;
    if (byLimit !== 0) return byLimit;
    return a.order.id < b.order.id ? -1 : a.order.id > b.order.id ? 1 : 0;
  };
}

/** Step 4: walk the eligible offers and bids while the offer's limit ≤ the bid's limit. */
function crossingQuantityWh(offers: readonly BookEntry[], bids: readonly BookEntry[]): number {
  const offerLeft = offers.map((e) => e.energyWh);
  const bidLeft = bids.map((e) => e.energyWh);
  let quantityWh = 0;
  let i = 0;
  let j = 0;
  while (i < offers.length && j < bids.length) {
    if ((offers[i] as BookEntry).limitMicroPerKWh > (bids[j] as BookEntry).limitMicroPerKWh) break;
    const stepWh = Math.min(offerLeft[i] as number, bidLeft[j] as number);
    quantityWh += stepWh;
    offerLeft[i] = (offerLeft[i] as number) - stepWh;
    bidLeft[j] = (bidLeft[j] as number) - stepWh;
    if (offerLeft[i] === 0) i += 1;
    if (bidLeft[j] === 0) j += 1;
  }
  return quantityWh;
}

/** Step 5: better levels in full, the marginal level pro rata; returns the fill of each eligible entry. */
function fill(side: readonly BookEntry[], quantityWh: number, thresholdWh: number): Map<BookEntry, number> {
  const fills = new Map<BookEntry, number>();
  let allocatedWh = 0;
  let k = 0;
  while (k < side.length && allocatedWh < quantityWh) {
    const level = side.filter((e) => e.limitMicroPerKWh === (side[k] as BookEntry).limitMicroPerKWh);
    const levelWh = level.reduce((sum, e) => sum + e.energyWh, 0);
    const leftWh = quantityWh - allocatedWh;
    if (levelWh <= leftWh) {
      for (const e of level) fills.set(e, e.energyWh);
      allocatedWh += levelWh;
      k += level.length;
      continue;
    }
    const shares = rationLevel(level.map((e) => e.energyWh), leftWh, thresholdWh);
    level.forEach((e, m) => fills.set(e, shares[m] as number));
    break;
  }
  return fills;
}

const sumOf = (fills: Map<BookEntry, number>) => [...fills.values()].reduce((sum, v) => sum + v, 0);

/** Same contract as `clearZone`. */
export function clearZoneReference(entries: readonly BookEntry[], options: ClearZoneOptions): ZoneClearing {
  const thresholdWh = options.minimumTradeThresholdWh;
  const { entries: netEntries, netted } = netSelfTrades(entries);
  const book = netEntries.filter((e) => e.energyWh > 0);
  const offers = book.filter((e) => e.order.side === 'sell').sort(byPriority(true));
  const bids = book.filter((e) => e.order.side !== 'sell').sort(byPriority(false));
  const eligibleOffers = offers.filter((e) => e.energyWh >= thresholdWh);
  const eligibleBids = bids.filter((e) => e.energyWh >= thresholdWh);

  let quantityWh = crossingQuantityWh(eligibleOffers, eligibleBids);
  let offerFills = fill(eligibleOffers, quantityWh, thresholdWh);
  let bidFills = fill(eligibleBids, quantityWh, thresholdWh);
  while (sumOf(offerFills) !== sumOf(bidFills)) {
    quantityWh = Math.min(sumOf(offerFills), sumOf(bidFills));
    offerFills = fill(eligibleOffers, quantityWh, thresholdWh);
    bidFills = fill(eligibleBids, quantityWh, thresholdWh);
  }

  // Step 6: north-west corner pairing in priority order; pieces below T are not traded.
  const pieces: Array<{ seller: BookEntry; buyer: BookEntry; energyWh: number }> = [];
  const sellers = eligibleOffers.filter((e) => (offerFills.get(e) ?? 0) > 0);
  const buyers = eligibleBids.filter((e) => (bidFills.get(e) ?? 0) > 0);
  const sellLeft = sellers.map((e) => offerFills.get(e) as number);
  const buyLeft = buyers.map((e) => bidFills.get(e) as number);
  for (let s = 0, b = 0; s < sellers.length && b < buyers.length;) {
    const pieceWh = Math.min(sellLeft[s] as number, buyLeft[b] as number);
    if (pieceWh >= thresholdWh) pieces.push({ seller: sellers[s] as BookEntry, buyer: buyers[b] as BookEntry, energyWh: pieceWh });
    sellLeft[s] = (sellLeft[s] as number) - pieceWh;
    buyLeft[b] = (buyLeft[b] as number) - pieceWh;
    if (sellLeft[s] === 0) s += 1;
    if (buyLeft[b] === 0) b += 1;
  }

  // Step 7: the price from the marginal orders that actually traded.
  const price = pieces.length === 0 ? null : clearingPriceFor(
    options.rule,
    Math.max(...pieces.map((p) => p.seller.limitMicroPerKWh)),
    Math.min(...pieces.map((p) => p.buyer.limitMicroPerKWh)),
  );
  const trades: Trade[] = price === null ? [] : pieces.map(({ seller, buyer, energyWh }) => ({
    zoneId: options.zoneId,
    sellOrderId: seller.order.id,
    buyOrderId: buyer.order.id,
    seller: seller.order.participant,
    buyer: buyer.order.participant,
    energyWh,
    priceMicroPerKWh: price,
    amountMicro: amountMicroFloor(energyWh, price),
    sellerFeeMicroPerKWh: seller.feeMicroPerKWh,
    buyerFeeMicroPerKWh: buyer.feeMicroPerKWh,
    sellerFeeMicro: amountMicroFloor(energyWh, seller.feeMicroPerKWh),
    buyerFeeMicro: amountMicroFloor(energyWh, buyer.feeMicroPerKWh),
  }));

  const tradedWh = new Map<BookEntry, number>();
  for (const p of pieces) {
    tradedWh.set(p.seller, (tradedWh.get(p.seller) ?? 0) + p.energyWh);
    tradedWh.set(p.buyer, (tradedWh.get(p.buyer) ?? 0) + p.energyWh);
  }
  const remainders: BookEntry[] = [];
  for (const entry of [...offers, ...bids]) {
    const traded = tradedWh.get(entry) ?? 0;
    if (entry.energyWh - traded > 0) remainders.push(traded === 0 ? entry : { ...entry, energyWh: entry.energyWh - traded });
  }
  const clearedWh = pieces.reduce((sum, p) => sum + p.energyWh, 0);
  return { zoneId: options.zoneId, clearingPriceMicroPerKWh: price, clearedWh, trades, netted, remainders };
}

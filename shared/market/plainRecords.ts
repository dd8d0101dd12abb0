/**
 * Constructors for the objects a clearing returns by the tens of thousands (trades, remainder entries). They make
 * plain objects — prototype `Object.prototype`, so `constructor === Object`, the same own enumerable properties in
 * the same order as the equivalent object literal — that differ from a literal's only inside the engine: they
 * carry no allocation site.
 *
 * Why: the engine watches every object literal's allocation site, and when the objects of a site survive a
 * young-generation collection at a high rate, it starts allocating them directly in the old generation
 * ("pretenuring"). A clearing's result objects all survive a collection that happens during the clearing, and
 * die soon after it; once pretenured they can only be reclaimed by full collections, which then come several
 * times as often. Whether and when a site is pretenured depends on when collections happen to fall, so a process
 * ran a 100 000-order clearing in ≈ 18 ms or in ≈ 25 ms at random. Objects made by a constructor are never
 * pretenured. (ADR 0103.)
 */
import type { BookEntry, Order } from './order.ts';
import type { Trade } from './trade.ts';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** What `new` on `fill` (a function that sets the fields of its `this`) takes and makes: its parameters, a `T`. */
type PlainConstructor<Fill extends (...args: never[]) => void, T> = new (...args: Parameters<Fill>) => T;

const plainTrade = function PlainTrade(
  this: Writable<Trade>,
  zoneId: string,
  sellOrderId: string,
  buyOrderId: string,
  seller: string,
  buyer: string,
  energyWh: number,
  priceMicroPerKWh: number,
  amountMicro: bigint,
  sellerFeeMicroPerKWh: number,
  buyerFeeMicroPerKWh: number,
  sellerFeeMicro: bigint,
  buyerFeeMicro: bigint,
): void {
  this.zoneId = zoneId;
  this.sellOrderId = sellOrderId;
  this.buyOrderId = buyOrderId;
  this.seller = seller;
  this.buyer = buyer;
  this.energyWh = energyWh;
  this.priceMicroPerKWh = priceMicroPerKWh;
  this.amountMicro = amountMicro;
  this.sellerFeeMicroPerKWh = sellerFeeMicroPerKWh;
  this.buyerFeeMicroPerKWh = buyerFeeMicroPerKWh;
  this.sellerFeeMicro = sellerFeeMicro;
  this.buyerFeeMicro = buyerFeeMicro;
};

/** `new PlainTrade(…)` is the object literal `{ zoneId, sellOrderId, …, buyerFeeMicro }` (fields in `Trade` order). */
export const PlainTrade = plainTrade as unknown as PlainConstructor<typeof plainTrade, Trade>;
PlainTrade.prototype = Object.prototype;

const plainBookEntry = function PlainBookEntry(
  this: Writable<BookEntry>,
  order: Order,
  energyWh: number,
  limitMicroPerKWh: number,
  feeMicroPerKWh: number,
): void {
  this.order = order;
  this.energyWh = energyWh;
  this.limitMicroPerKWh = limitMicroPerKWh;
  this.feeMicroPerKWh = feeMicroPerKWh;
};

/** `new PlainBookEntry(…)` is the object literal `{ order, energyWh, limitMicroPerKWh, feeMicroPerKWh }`. */
export const PlainBookEntry = plainBookEntry as unknown as PlainConstructor<typeof plainBookEntry, BookEntry>;
PlainBookEntry.prototype = Object.prototype;

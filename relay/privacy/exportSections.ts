/**
 * What an export (GDPR art. 15) contains: one section per table that can hold data about the owner's meters or
 * account, with the filter that selects only those rows and the key the rows are paged by. Sections over tables
 * that do not exist in this database (market and settlement tables before their migration) are listed in the
 * export's `tablesNotPresent` instead. Columns that would name another household (a trade's counterparty, a
 * settlement batch's other sellers) are left out or blanked (art. 15(4)).
 */
import { sql, type SQL } from 'drizzle-orm';
import { inList } from '../store/inList.ts';
import type { JsonRow } from './jsonRow.ts';

/** Who the export is about. */
export interface ExportSubject {
  /** Signed-in owner address, lower case. */
  owner: string;
  /** Meters currently registered to the owner. */
  meters: readonly string[];
  /** Meters the owner erased earlier (found through their pseudonyms). */
  erasedMeters: readonly string[];
  /** The owner's pseudonyms under every key the relay holds. */
  pseudonyms: readonly string[];
}

export interface ExportSection {
  /** Key in the export's `sections` object. */
  name: string;
  /** Table read (checked for existence). */
  table: string;
  /** Select list (raw SQL, fixed text). */
  columns: string;
  /** Rows of the subject. */
  where: (subject: ExportSubject) => SQL;
  /** Columns that order and page the rows (unique together). */
  key: readonly string[];
  /** Blanks fields about others. */
  redact?: (row: JsonRow, subject: ExportSubject) => JsonRow;
  /** What the section is, for the reader. */
  description: string;
}

const meterRows = (subject: ExportSubject) => inList('meter', subject.meters);
const tradeFilter = (subject: ExportSubject) =>
  sql`(${inList('seller', [subject.owner, ...subject.pseudonyms])} OR ${inList('buyer', [subject.owner, ...subject.pseudonyms])} OR ${inList('seller_meter', [...subject.meters, ...subject.erasedMeters])} OR ${inList('buyer_meter', [...subject.meters, ...subject.erasedMeters])})`;

function isSubjects(subject: ExportSubject, account: unknown, meter: unknown): boolean {
  return [subject.owner, ...subject.pseudonyms].includes(String(account)) || [...subject.meters, ...subject.erasedMeters].includes(String(meter));
}

/** Every section, in export order. */
export const EXPORT_SECTIONS: readonly ExportSection[] = [
  { name: 'meters', table: 'meters', columns: '*', where: (s) => sql`owner_address = ${s.owner}`, key: ['address'], description: 'meters registered to you' },
  { name: 'samples', table: 'samples', columns: '*', where: meterRows, key: ['meter', 'seq'], description: 'raw hash-chained measurements still within the retention period' },
  { name: 'sampleRollups', table: 'sample_rollups', columns: '*', where: meterRows, key: ['meter', 'hour_start_s'], description: 'hourly summaries of samples older than the retention period' },
  { name: 'seals', table: 'seals', columns: '*', where: meterRows, key: ['meter', 'seq'], description: 'signed interval seals' },
  { name: 'meterIntervals', table: 'meter_intervals', columns: '*', where: meterRows, key: ['meter', 'start_s'], description: 'metered energy per interval, from the seals' },
  { name: 'chainHeads', table: 'chain_heads', columns: '*', where: meterRows, key: ['meter'], description: 'where each meter’s hash chain stands' },
  { name: 'chainGaps', table: 'chain_gaps', columns: '*', where: meterRows, key: ['meter', 'from_seq'], description: 'missing sequence ranges detected' },
  { name: 'abandonedGaps', table: 'abandoned_gaps', columns: '*', where: meterRows, key: ['meter', 'from_seq'], description: 'sequence ranges your meters no longer held when the relay asked for them (lost while offline)' },
  { name: 'meterStatus', table: 'meter_status', columns: '*', where: meterRows, key: ['meter'], description: 'the latest status message of each meter' },
  { name: 'rejections', table: 'rejections', columns: '*', where: meterRows, key: ['id'], description: 'inputs naming your meters that the relay refused, with their codes' },
  {
    name: 'standingOrders',
    table: 'standing_orders',
    columns: '*',
    where: (s) => sql`(${meterRows(s)} OR ${inList('participant', [s.owner])})`,
    key: ['meter'],
    description: 'your standing orders',
  },
  {
    name: 'intervalOrders',
    table: 'interval_orders',
    columns: '*',
    where: (s) => sql`(${inList('meter', [...s.meters, ...s.erasedMeters])} OR ${inList('participant', [s.owner, ...s.pseudonyms])})`,
    key: ['zone', 'interval_start_s', 'order_id'],
    description: 'orders placed for your meters in each market interval',
  },
  {
    name: 'marketTrades',
    table: 'market_trades',
    columns: '*',
    where: tradeFilter,
    key: ['zone', 'interval_start_s', 'trade_index'],
    description: 'trades you sold or bought in; the counterparty is withheld',
    redact: (row, subject) => {
      const out = { ...row };
      if (!isSubjects(subject, row.seller, row.seller_meter)) Object.assign(out, { seller: null, seller_meter: null, sell_order_id: null });
      if (!isSubjects(subject, row.buyer, row.buyer_meter)) Object.assign(out, { buyer: null, buyer_meter: null, buy_order_id: null });
      return out;
    },
  },
  {
    name: 'settlements',
    table: 'settlement_batches',
    columns: 'zone, interval_start_s, state, price_micro_per_kwh, trade_count, delivered_wh, tx_hash, block_number, updated_at',
    where: (s) => sql`(zone, interval_start_s) IN (SELECT zone, interval_start_s FROM market_trades WHERE ${tradeFilter(s)})`,
    key: ['zone', 'interval_start_s'],
    description: 'the on-chain settlement of each interval you traded in (other sellers’ data left out)',
  },
  { name: 'notifications', table: 'notifications', columns: '*', where: (s) => inList('recipient', [s.owner]), key: ['id'], description: 'notifications addressed to you' },
  {
    name: 'erasedMeters',
    table: 'meter_pseudonyms',
    columns: 'meter, key_id, erased_at',
    where: (s) => inList('owner_pseudonym', s.pseudonyms),
    key: ['meter'],
    description: 'meters you erased earlier; the records below were kept, pseudonymised, for settlement (docs/privacy.md)',
  },
  { name: 'retainedSeals', table: 'seals', columns: '*', where: (s) => inList('meter', s.erasedMeters), key: ['meter', 'seq'], description: 'seals kept after your erasure because a paid settlement rests on them' },
  {
    name: 'retainedMeterIntervals',
    table: 'meter_intervals',
    columns: '*',
    where: (s) => inList('meter', s.erasedMeters),
    key: ['meter', 'start_s'],
    description: 'metered intervals kept after your erasure with those seals',
  },
];

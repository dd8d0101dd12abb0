/**
 * The relay's in-process event bus: the ingest room announces what it stored or refused, the feed and web rooms
 * listen. Created once in `startRelay` and passed to every room. Events are emitted only after the database
 * transaction that holds them has committed.
 */
import { EventEmitter } from 'node:events';
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';

/** One newly stored record (never a duplicate), with what a listener needs beyond the record itself. */
export interface StoredRecord {
  record: MeterRecord;
  /** `recordDigestHex(record)`: what the next record of the chain names as `prev`. */
  digest: string;
  /** The meter's grid zone at the time of storing (`'unassigned'` for an unregistered meter). */
  zone: string;
  /** False for a meter accepted under the `accept` unknown-meter policy: monitor it, never settle it. */
  isRegisteredMeter: boolean;
}

/** A refused input, as stored in `rejections`. */
export interface RecordRejection {
  code: string;
  reason: string;
  meter?: string;
  topic: string;
}

export interface RelayEvents {
  /** Records of one committed batch, in the order they were received. */
  'records-stored': [records: StoredRecord[]];
  'record-rejected': [rejection: RecordRejection];
}

/**
 * A typed `EventEmitter`. Listeners run synchronously inside the ingest loop: keep them short (hand work to your
 * own queue) and never throw.
 *
 * @example
 * events.on('records-stored', (records) => { for (const { record, zone } of records) feed.push(zone, record); });
 */
export type RelayEventBus = EventEmitter<RelayEvents>;

export function createRelayEventBus(): RelayEventBus {
  const bus = new EventEmitter<RelayEvents>();
  bus.setMaxListeners(50);
  return bus;
}

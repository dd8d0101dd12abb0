/**
 * What the ingest loop hands to the delivery side (acknowledgements and gap repair) after a batch committed:
 * where each meter it touched stands, and when its records arrived.
 */
import type { MeterPosition } from '../store/readAckPoints.ts';

/** One record of the batch, stored or seen again, by its seq and when the relay received it. */
export interface RecordArrival {
  seq: number;
  /** `Date.now()` when the message was taken from the broker. */
  arrivalMs: number;
}

export interface BatchDelivery {
  positions: readonly MeterPosition[];
  /** Records of the batch that were stored or found already stored, by meter. */
  arrivals: ReadonlyMap<string, readonly RecordArrival[]>;
}

/** Called after each committed batch, after its PUBACKs were released. Must not throw. */
export type BatchDeliveryListener = (delivery: BatchDelivery) => void;

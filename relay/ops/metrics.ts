/**
 * The relay's Prometheus metrics (prom-client), in a registry of their own that the web room serves at
 * `/metrics`. Names follow Prometheus conventions: `pet_relay_` prefix, unit suffixes, `_total` for counters.
 * The delivery metrics (acks, resends, gaps) belong to end-to-end acknowledgement (ADR 0303).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RELAY_CHECK_CODES } from '../verify/rejectionCode.ts';

export interface RelayMetrics {
  /** Serve this at `/metrics` (`await registry.metrics()`, content type `registry.contentType`). */
  registry: Registry;
  recordsReceived: Counter<'kind'>;
  recordsStored: Counter<'kind'>;
  recordsDuplicate: Counter<'kind'>;
  recordsRejected: Counter<'code'>;
  chainGaps: Counter;
  verifyBatchSeconds: Histogram;
  dbBatchSeconds: Histogram;
  dbBatchRecords: Histogram;
  queueDepth: Gauge;
  recordAgeSeconds: Histogram;
  /** `resend` commands sent to meters. */
  resendRequests: Counter;
  /** Records received again: duplicates, and records that filled a gap. */
  recordsResent: Counter;
  gapsOpened: Counter;
  gapsClosed: Counter;
  gapsAbandoned: Counter;
  /** `ack` commands published to meters. */
  acksSent: Counter;
  /** From the arrival of the oldest record an ack covers to the ack's publish. */
  ackLatencySeconds: Histogram;
}

/** Creates a fresh registry (one per relay, so tests can run several relays in one process). */
export function createRelayMetrics(options: { withProcessMetrics?: boolean } = {}): RelayMetrics {
  const registry = new Registry();
  if (options.withProcessMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'pet_relay_' });
  const recordsRejected = new Counter({ name: 'pet_relay_records_rejected_total', help: 'Inputs refused, by rejection code', labelNames: ['code'], registers: [registry] });
  for (const code of RELAY_CHECK_CODES) recordsRejected.inc({ code }, 0);
  return {
    registry,
    recordsReceived: new Counter({ name: 'pet_relay_records_received_total', help: 'Messages taken from the broker, by topic kind', labelNames: ['kind'], registers: [registry] }),
    recordsStored: new Counter({ name: 'pet_relay_records_stored_total', help: 'Records newly stored, by kind', labelNames: ['kind'], registers: [registry] }),
    recordsDuplicate: new Counter({ name: 'pet_relay_records_duplicate_total', help: 'Records already stored with the same digest (acknowledged, not stored again)', labelNames: ['kind'], registers: [registry] }),
    recordsRejected,
    chainGaps: new Counter({ name: 'pet_relay_chain_gaps_total', help: 'Missing sequence ranges detected', registers: [registry] }),
    verifyBatchSeconds: new Histogram({ name: 'pet_relay_verify_batch_seconds', help: 'Round trip of one batch of seal signatures through a verifier worker', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] }),
    dbBatchSeconds: new Histogram({ name: 'pet_relay_db_batch_seconds', help: 'Time to look up chain context and write one batch in one transaction', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry] }),
    dbBatchRecords: new Histogram({ name: 'pet_relay_db_batch_records', help: 'Messages per stored batch', buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000], registers: [registry] }),
    queueDepth: new Gauge({ name: 'pet_relay_queue_depth', help: 'Messages received and not yet stored', registers: [registry] }),
    recordAgeSeconds: new Histogram({ name: 'pet_relay_record_age_seconds', help: 'Relay clock minus measurement time at arrival (negative: meter clock ahead)', buckets: [-60, -10, -2, 0, 2, 10, 60, 600, 3600, 86400], registers: [registry] }),
    resendRequests: new Counter({ name: 'pet_relay_resend_requests_total', help: 'resend commands sent to meters for a gap below their newest record', registers: [registry] }),
    recordsResent: new Counter({ name: 'pet_relay_records_resent_total', help: 'Records received again (duplicates) or late (filling a gap)', registers: [registry] }),
    gapsOpened: new Counter({ name: 'pet_relay_gaps_opened_total', help: 'Gaps recorded in chain_gaps', registers: [registry] }),
    gapsClosed: new Counter({ name: 'pet_relay_gaps_closed_total', help: 'Gaps the watermark passed (filled or abandoned)', registers: [registry] }),
    gapsAbandoned: new Counter({ name: 'pet_relay_gaps_abandoned_total', help: 'Missing ranges recorded as gone for good (the meter no longer holds them)', registers: [registry] }),
    acksSent: new Counter({ name: 'pet_relay_acks_sent_total', help: 'ack commands published to meters', registers: [registry] }),
    ackLatencySeconds: new Histogram({ name: 'pet_relay_ack_latency_seconds', help: 'Arrival of the oldest record an ack covers to the publish of that ack', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120], registers: [registry] }),
  };
}

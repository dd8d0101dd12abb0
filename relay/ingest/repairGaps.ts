/**
 * Gap repair (docs/protocol.md §4.1, ADR 0303): when records of a meter are stored above a hole, the relay asks
 * the meter for `{"cmd":"resend","fromSeq":W+1}` (W = its watermark), and asks again, less and less often,
 * while the hole stays open — until the records arrive or a status says they are gone (abandoned).
 *
 * Records of one meter may arrive out of order across broker connections (shared subscriptions), so a hole is
 * first given a grace period to close by itself. Two triggers, one throttle (`claimResendRequests`, kept on the
 * gap rows in the database):
 * - the grace period after a batch left its meters with a hole, for those meters;
 * - a timer for every open gap (also those another relay detected), at most {@link MAX_CLAIMS_PER_TICK} a tick.
 */
import { encodeResendCommand } from '../../shared/protocol/meterCommands.ts';
import type { Logger } from '../ops/logger.ts';
import type { RelayMetrics } from '../ops/metrics.ts';
import { claimResendRequests } from '../store/claimResendRequests.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import type { BatchDelivery } from './batchDelivery.ts';
import type { MeterCommandChannel } from './meterCommandChannel.ts';

/** Most gaps one timer tick (or one batch) asks about: bounded work per tick. */
export const MAX_CLAIMS_PER_TICK = 200;
/** Longest interval between two requests for one open gap. */
export const RESEND_BACKOFF_MAX_MS = 60_000;
/** How long a new hole may close by itself (its records still on their way) before the meter is asked. */
export const FIRST_REQUEST_GRACE_MS = 500;
/** Commands in flight beyond which the timer waits (the broker is not taking them). */
const MAX_COMMANDS_IN_FLIGHT = 5_000;

export interface GapRepair {
  afterBatch(delivery: BatchDelivery): void;
  /** Runs one timer pass now (tests, and the timer itself). */
  tick(): Promise<void>;
  /** Stops the timer and waits for a pass in progress. */
  close(): Promise<void>;
}

export interface GapRepairOptions {
  db: RelayDatabase;
  channel: Pick<MeterCommandChannel, 'send' | 'inFlight'>;
  /** `PET_RESEND_HOLD_MS`. */
  resendHoldMs: number;
  metrics: Pick<RelayMetrics, 'resendRequests'>;
  logger: Logger;
}

export function startGapRepair(options: GapRepairOptions): GapRepair {
  const holdMs = options.resendHoldMs;
  // How long a new hole waits for its records before the meter is asked.
  const firstGraceMs = Math.min(FIRST_REQUEST_GRACE_MS, holdMs);
  const tickMs = Math.max(20, Math.min(1000, Math.floor(holdMs / 3)));
  let running: Promise<void> | undefined;
  let pendingMeters = new Set<string>();
  let graceTimer: NodeJS.Timeout | undefined;
  let isClosed = false;

  async function claimAndSend(meters: readonly string[] | undefined): Promise<void> {
    if (options.channel.inFlight() > MAX_COMMANDS_IN_FLIGHT) return;
    const claims = await claimResendRequests(options.db, { meters, holdMs, maxBackoffMs: Math.max(holdMs, RESEND_BACKOFF_MAX_MS), firstGraceMs, limit: MAX_CLAIMS_PER_TICK });
    for (const claim of claims) {
      options.metrics.resendRequests.inc();
      options.logger.debug({ meter: claim.meter, fromSeq: claim.fromSeq, requests: claim.requests }, 'asking the meter to resend');
      options.channel.send(claim.meter, encodeResendCommand(claim.fromSeq)).catch((error: unknown) => options.logger.debug({ err: error, meter: claim.meter }, 'resend publish failed'));
    }
  }

  /** One pass at a time; a batch pass due meanwhile runs right after. */
  let isBatchPassDue = false;
  function run(pass: () => Promise<void>): Promise<void> {
    if (running !== undefined) return running;
    running = pass()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'gap repair pass failed; the timer tries again'))
      .finally(() => {
        running = undefined;
        if (isBatchPassDue && !isClosed) {
          isBatchPassDue = false;
          void run(batchPass);
        }
      });
    return running;
  }

  function batchPass(): Promise<void> {
    const meters = [...pendingMeters];
    pendingMeters = new Set();
    return claimAndSend(meters.slice(0, MAX_CLAIMS_PER_TICK));
  }

  const timer = setInterval(() => {
    if (running === undefined) void run(() => claimAndSend(undefined));
  }, tickMs);
  timer.unref();

  return {
    afterBatch(delivery) {
      if (isClosed) return;
      for (const position of delivery.positions) {
        // Bounded: the timer finds whatever does not fit.
        if (position.lastSeq > position.contiguousSeq && pendingMeters.size < MAX_CLAIMS_PER_TICK) pendingMeters.add(position.meter);
      }
      if (pendingMeters.size === 0 || graceTimer !== undefined) return;
      // One check per grace period for the meters gathered meanwhile (a hole detected later in the period is
      // left to the timer: its grace is not over yet).
      graceTimer = setTimeout(() => {
        graceTimer = undefined;
        if (running === undefined) void run(batchPass);
        else isBatchPassDue = true;
      }, firstGraceMs);
      graceTimer.unref();
    },
    tick: () => run(() => claimAndSend(undefined)),
    async close() {
      isClosed = true;
      clearInterval(timer);
      clearTimeout(graceTimer);
      pendingMeters.clear();
      await running;
    },
  };
}

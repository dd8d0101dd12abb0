/**
 * What a simulated fleet did, from each meter's own figures (the firmware's `meterConsole.status()`): the range
 * of seqs it produced in this run, what is still in its flash queue, and how far the relay acknowledged it. The
 * `sim --report FILE` output and `fleet.report()`.
 */

/** The part of the firmware's console status a report reads. */
export interface ReportedStatus {
  seq: number;
  queued: number;
  acknowledgedSeq: number;
  dropped: number;
  /** Lowest seq still held in flash; firmware without the field: acknowledgedSeq + 1. */
  heldFromSeq?: number;
}

/** One meter's line. */
export interface MeterReport {
  index: number;
  address: string;
  /** First and last seq this meter wrote in this run; null when it wrote none. */
  firstSeq: number | null;
  lastSeq: number | null;
  /** Records written in this run. */
  produced: number;
  /** Highest seq when the network came up (the end of an offline backlog); null while it is still down. */
  backlogLastSeq: number | null;
  /** Records still in flash (written, not yet acknowledged by the relay). */
  queued: number;
  heldFromSeq: number;
  acknowledgedSeq: number;
  /** Records lost because the flash queue was full (the firmware's count, kept across reboots). */
  dropped: number;
  /** Everything the meter held when the network came up (at least its first record of the run) has left flash. */
  isFlushed: boolean;
}

export interface FleetReport {
  /** Simulated Unix seconds: when the meters booted, when the network came up (null: not yet), now. */
  bootedAtS: number;
  networkUpAtS: number | null;
  reportedAtS: number;
  /** Simulated seconds the meters ran offline before the network came up (0 without an offline phase). */
  offlineS: number;
  /** Real milliseconds the offline phase took (0 without one). */
  offlineRealMs: number;
  meters: MeterReport[];
  totals: { meters: number; produced: number; queued: number; dropped: number; flushedMeters: number };
}

/** What the fleet tracks per meter to build its line. */
export interface MeterReportInput {
  index: number;
  address: string;
  /** Highest seq at boot (−1 for a fresh meter): the run's records start after it. */
  seqAtBoot: number;
  /** Highest seq when the network came up; undefined before. */
  seqAtNetworkUp: number | undefined;
  status: ReportedStatus;
  /** Set once the meter was seen flushed. */
  wasFlushed: boolean;
}

/**
 * A meter is flushed once its acknowledgement point covers every record it held when the network came up and
 * at least the first record of this run: the offline backlog has left its flash (new records keep coming).
 */
export function isMeterFlushed(input: MeterReportInput): boolean {
  if (input.wasFlushed) return true;
  if (input.seqAtNetworkUp === undefined || input.status.seq <= input.seqAtBoot) return false;
  return input.status.acknowledgedSeq >= Math.max(input.seqAtNetworkUp, input.seqAtBoot + 1);
}

export function meterReport(input: MeterReportInput): MeterReport {
  const status = input.status;
  const hasProduced = status.seq > input.seqAtBoot;
  return {
    index: input.index,
    address: input.address,
    firstSeq: hasProduced ? input.seqAtBoot + 1 : null,
    lastSeq: hasProduced ? status.seq : null,
    produced: hasProduced ? status.seq - input.seqAtBoot : 0,
    backlogLastSeq: input.seqAtNetworkUp ?? null,
    queued: status.queued,
    heldFromSeq: typeof status.heldFromSeq === 'number' ? status.heldFromSeq : status.acknowledgedSeq + 1,
    acknowledgedSeq: status.acknowledgedSeq,
    dropped: status.dropped,
    isFlushed: isMeterFlushed(input),
  };
}

export function fleetReport(times: Omit<FleetReport, 'meters' | 'totals'>, meters: MeterReport[]): FleetReport {
  const totals = { meters: meters.length, produced: 0, queued: 0, dropped: 0, flushedMeters: 0 };
  for (const meter of meters) {
    totals.produced += meter.produced;
    totals.queued += meter.queued;
    totals.dropped += meter.dropped;
    if (meter.isFlushed) totals.flushedMeters++;
  }
  return { ...times, meters, totals };
}

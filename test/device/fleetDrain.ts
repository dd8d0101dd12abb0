/**
 * The exact end of a fleet run: hold every meter's measurement, then wait until each meter's own queue is
 * empty (every record written is covered by an end-to-end ack from the collecting subscriber, which it sends
 * only for records it received and verified) — so no record is still being signed or in flight when a test
 * compares what the meters wrote with what a subscriber received.
 */
import type { SimulatedMeter } from '../../device/sim/simulatedMeters.ts';
import { waitFor } from './recordCollector.ts';

/** Per meter: the highest seq it wrote; `isDrained` says whether every queue emptied within `timeoutMs`. */
export interface DrainResult {
  isDrained: boolean;
  lastSeqs: number[];
  /** Meters whose queue was not empty at the deadline, with their figures. */
  stuck: string[];
}

export async function pauseAndDrain(meters: SimulatedMeter[], timeoutMs: number): Promise<DrainResult> {
  for (const meter of meters) meter.pauseMeasuring();
  const isEmpty = () => meters.every((meter) => meter.firmwareStatus()?.queued === 0);
  const isDrained = await waitFor(isEmpty, timeoutMs);
  const stuck: string[] = [];
  const lastSeqs = meters.map((meter) => {
    const status = meter.firmwareStatus();
    if (status === undefined || status.queued !== 0) stuck.push(`meter ${meter.index}: ${JSON.stringify(status)}`);
    return status?.seq ?? -1;
  });
  return { isDrained, lastSeqs, stuck };
}

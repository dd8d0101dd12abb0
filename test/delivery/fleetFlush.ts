/**
 * The steps every delivery test takes with a fleet: start simulated meters that already hold `offlineS` of
 * readings (made by the firmware at its normal cadence in virtual time), let them flush, end exactly (hold
 * measurement, wait until every meter's own flash queue is empty — which now means the relay acknowledged
 * every record), and judge what the relay stored against what each meter produced.
 */
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { FleetReport, MeterReport } from '../../device/sim/fleetReport.ts';
import { startSimulatedMeters, type SimulatedFleet, type SimulatedMetersOptions } from '../../device/sim/simulatedMeters.ts';
import { freshFirmwareCode } from '../device/freshFirmware.ts';
import type { DeliveryRig, DeliveryRigOptions } from './deliveryRig.ts';
import { checkStoredChain, type ProducedRange, type StoredChainReport } from './storedChains.ts';

export interface FlushingFleetOptions {
  meters: number;
  offlineS: number;
  queue?: SimulatedMetersOptions['queue'];
  mqtt?: SimulatedMetersOptions['mqtt'];
  /** Simulated seconds per real second once online (default 1). */
  speed?: number;
  /** Seed of the meters' keys (default: fresh for the run, from the fleet's name). */
  keysSeed?: string;
}

/** A seed no earlier run used: fresh meter addresses, so nothing of another run can be mistaken for this one's. */
export function freshKeysSeed(name: string): string {
  return `${name}-${process.pid}-${Date.now()}`;
}

/**
 * Reconnect backoff of the tests' meters: 1 … 2 s instead of 1 … 60 s. After an hour with the network down a
 * meter's backoff has grown to its maximum, so each meter would otherwise make its first attempt up to a minute
 * after the network returns — time that tests nothing of delivery. The broker-restart test relies on it too.
 */
const TEST_BACKOFF = { backoffMinS: 1, backoffMaxS: 2 };

/** Starts the fleet on the rig's broker; resolves when the network came up, with the report of that moment. */
export async function startFlushingFleet(rig: DeliveryRig, name: string, options: FlushingFleetOptions): Promise<{ fleet: SimulatedFleet; atNetworkUp: FleetReport }> {
  const fleet = await startSimulatedMeters({
    meters: options.meters,
    brokerUrl: rig.broker.url,
    offlineS: options.offlineS,
    speed: options.speed ?? 1,
    sampleSeconds: 10,
    intervalSeconds: 900,
    // 40 ADC pairs a burst every 2 s instead of 100 every second: the same firmware path and the same records
    // (10 s samples, 15-minute seals) for about half the CPU of the offline hour (50 meters: 13 s instead of 23 s here).
    samplePairsPerBurst: 40,
    burstPeriodMs: 2000,
    keysSeed: options.keysSeed ?? freshKeysSeed(name),
    dataDir: join(rig.workDir, name), // one folder per fleet: meters of two fleets share indexes
    firmwareCode: await freshFirmwareCode(),
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    mqtt: { ...TEST_BACKOFF, ...options.mqtt },
  });
  return { fleet, atNetworkUp: fleet.report() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the number of samples and seals the relay has stored. */
export async function storedRecordCount(rig: DeliveryRig): Promise<number> {
  const rows = await rig.sql`SELECT (SELECT count(*) FROM samples) + (SELECT count(*) FROM seals) AS n`.catch(() => [{ n: 0 }]);
  return Number(rows[0]!.n);
}

/** Polls until `stored` records are in the database (or the deadline passes: then it returns anyway). */
export async function waitForStored(rig: DeliveryRig, stored: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await storedRecordCount(rig);
    if (count >= stored || Date.now() > deadline) return count;
    await sleep(100);
  }
}

/**
 * The exact end: holds every meter's measurement, then waits until each meter's flash queue is empty. Throws
 * after `timeoutMs` (a hang guard, not a timing assertion) with each stuck meter's figures and the relay's view.
 */
export async function drainFleet(rig: DeliveryRig, fleet: SimulatedFleet, timeoutMs: number): Promise<FleetReport> {
  for (const meter of fleet.meters) meter.pauseMeasuring();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = fleet.report();
    if (report.meters.every((meter) => meter.queued === 0)) return report;
    if (Date.now() > deadline) {
      const stuck = report.meters.filter((meter) => meter.queued > 0);
      const statuses = stuck.slice(0, 5).map((meter) => `meter ${meter.index}: ${JSON.stringify(fleet.meters.find((m) => m.index === meter.index)!.firmwareStatus())}`);
      throw new Error(
        `${stuck.length} of ${report.meters.length} meters still hold records after ${timeoutMs / 1000} s (${report.totals.queued} records): ${statuses.join('; ')}\n` +
          `relay: ${await rig.describeHeads(stuck.slice(0, 5).map((meter) => meter.address))}\n` +
          `relay log tail: ${rig.relay?.output().slice(-1500)}`,
      );
    }
    await sleep(200);
  }
}

/** What the relay must hold of one meter: [firstSeq, lastSeq] of this run, minus `gone`. */
export function producedRange(meter: MeterReport, gone: ProducedRange['gone'] = []): ProducedRange {
  if (meter.firstSeq === null || meter.lastSeq === null) throw new Error(`meter ${meter.index} produced nothing`);
  return { address: meter.address, firstSeq: meter.firstSeq, lastSeq: meter.lastSeq, gone };
}

/** Judges every meter's stored chain; returns the reports and the problems of all of them, one line each. */
export async function checkFleetStored(rig: DeliveryRig, ranges: ProducedRange[]): Promise<{ reports: StoredChainReport[]; problems: string[] }> {
  const reports: StoredChainReport[] = [];
  for (const range of ranges) reports.push(await checkStoredChain(rig.sql, range));
  const problems = reports.flatMap((report) => report.problems.map((problem) => `${report.address}: ${problem}`));
  return { reports, problems };
}

/** Issue 9's flush: 50 meters with an hour of buffered readings each … */
export const ACCEPTANCE_FLEET = { meters: 50, offlineS: 3600 } as const;
/** … through a broker that drops beyond 20 queued messages a client, to a relay with two connections. */
export const ACCEPTANCE_RIG: DeliveryRigOptions = { maxQueuedMessages: 20, relayConnections: 2 };

/** Hang guard of a drain: a flush takes 40 … 60 s here under load. */
export const DRAIN_TIMEOUT_MS = 180_000;

/** What a finished flush left: the fleet's last report, the broker's drops, the relay's figures, the judgement. */
export interface FlushOutcome {
  final: FleetReport;
  /** How long the drain took. */
  drainMs: number;
  drops: Map<string, number>;
  metrics: Record<string, number>;
  reports: StoredChainReport[];
  problems: string[];
  stored: number;
  expected: number;
}

/** Drains the fleet (every meter's whole production must be stored), then gathers and judges what happened. */
export async function finishFlush(rig: DeliveryRig, fleet: SimulatedFleet): Promise<FlushOutcome> {
  const drainStartedMs = Date.now();
  const final = await drainFleet(rig, fleet, DRAIN_TIMEOUT_MS);
  const drainMs = Date.now() - drainStartedMs;
  const drops = rig.brokerDrops();
  const metrics = await rig.deliveryMetrics();
  const { reports, problems } = await checkFleetStored(rig, final.meters.map((meter) => producedRange(meter)));
  const stored = reports.reduce((sum, report) => sum + report.stored, 0);
  const expected = reports.reduce((sum, report) => sum + report.expected, 0);
  return { final, drainMs, drops, metrics, reports, problems, stored, expected };
}

/**
 * The acceptance of a flush through a dropping broker: the broker did drop, yet every record is stored exactly
 * once, every chain intact, every meter's queue empty and acknowledged up to its last record, nothing refused.
 */
export async function assertFlushedExactlyOnce(rig: DeliveryRig, outcome: FlushOutcome): Promise<void> {
  assert.ok(outcome.drops.size > 0, 'the broker dropped messages it had PUBACKed (its log says "Outgoing messages are being dropped")');
  assert.equal(outcome.problems, [], 'every record stored exactly once, every chain intact, every seal signed by its meter');
  assert.is(outcome.stored, outcome.expected);
  for (const meter of outcome.final.meters) {
    assert.is(meter.queued, 0, `meter ${meter.index}'s flash queue is empty`);
    assert.is(meter.acknowledgedSeq, meter.lastSeq, `meter ${meter.index} is acknowledged up to its last record`);
  }
  assert.is(Number((await rig.sql`SELECT count(*) AS n FROM rejections`)[0]!.n), 0, 'nothing refused');
}

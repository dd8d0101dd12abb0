/**
 * Child process of the ingest benchmark's flush case: N simulated meters running the real firmware bundle that
 * have already spent `offlineS` with the network down, their readings buffered in flash at the firmware's own
 * cadence (device/sim, virtual time). Measurement is held the moment the network comes up, so the backlog is
 * exactly what was buffered; the process then reports when every meter's flash queue is empty — every record
 * stored by the relay and acknowledged end to end. Times are Unix ms from `performance.timeOrigin +
 * performance.now()`, the clock the parent reads too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatedMeters, type SimulatedFleet } from '../../device/sim/simulatedMeters.ts';

export type FleetMessage = { cmd: 'start'; meters: number; offlineS: number; brokerUrl: string; keysSeed: string; backoffMaxS: number } | { cmd: 'exit' };

const send = (message: unknown) => process.send!(message);
const nowMs = () => performance.timeOrigin + performance.now();
let fleet: SimulatedFleet | undefined;
let dataDir: string | undefined;

async function start(message: Extract<FleetMessage, { cmd: 'start' }>): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'pet-bench-fleet-'));
  fleet = await startSimulatedMeters({
    meters: message.meters,
    brokerUrl: message.brokerUrl,
    offlineS: message.offlineS,
    sampleSeconds: 10,
    intervalSeconds: 900,
    keysSeed: message.keysSeed,
    dataDir,
    mqtt: { backoffMinS: 1, backoffMaxS: message.backoffMaxS },
    // 40 ADC pairs every 2 s instead of 100 every second: the same records for about half the CPU of the offline
    // phase, which is not timed.
    samplePairsPerBurst: 40,
    burstPeriodMs: 2000,
  });
  for (const meter of fleet.meters) meter.pauseMeasuring(); // synchronously at network-up: the backlog is fixed
  const onlineAtMs = nowMs();
  const cpuAtOnline = process.cpuUsage();
  const atNetworkUp = fleet.report();
  send({ online: { atMs: onlineAtMs, records: atNetworkUp.totals.produced, dropped: atNetworkUp.totals.dropped, offlineRealMs: atNetworkUp.offlineRealMs, addresses: fleet.meters.map((meter) => meter.address) } });
  const poll = setInterval(() => {
    const report = fleet!.report();
    if (report.totals.queued > 0) return;
    clearInterval(poll);
    const signedSeals = fleet!.meters.reduce((sum, meter) => sum + (meter.firmwareStatus()?.signedSeals ?? 0), 0);
    const statuses = fleet!.meters.map((meter) => meter.firmwareStatus());
    const sum = (pick: (status: NonNullable<(typeof statuses)[number]>) => number) => statuses.reduce((total, status) => total + (status === undefined ? 0 : pick(status)), 0);
    const cpu = process.cpuUsage(cpuAtOnline);
    send({ flushed: { atMs: nowMs(), cpuMs: (cpu.user + cpu.system) / 1000, signedSeals, published: sum((status) => status.mqtt.published), connects: sum((status) => status.mqtt.connects) } });
  }, 20);
}

process.on('message', async (message: FleetMessage) => {
  try {
    if (message.cmd === 'start') await start(message);
    else if (message.cmd === 'exit') {
      await fleet?.stop();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  } catch (error) {
    send({ failed: (error as Error).message });
  }
});
send({ ready: true });

/**
 * `peer-energy-trader sim --meters N --broker URL [--speed X] [--interval-seconds S] [--sample-seconds S]
 * [--duration S] [--keys-seed X] [--data DIR] [--offline S] [--report FILE] [--until-flushed]`: N simulated meters
 * running the real firmware bundle.
 *
 * `--offline S`: the meters start S seconds ago with the network down and fill their flash queues at their normal
 * cadence (in virtual time, as fast as the CPU allows), then the network comes up and they flush. `--duration`
 * counts from then. `--report FILE` writes the fleet report (JSON, device/sim/fleetReport.ts) when the simulator
 * stops: at the end of `--duration`, on SIGINT/SIGTERM, or with `--until-flushed` as soon as every meter's backlog
 * has left its flash (exit 0; with `--duration` as well, exit 1 if that came first).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FleetReport } from '../../device/sim/fleetReport.ts';
import { startSimulatedMeters } from '../../device/sim/simulatedMeters.ts';

export const summary = 'run N simulated meters (the real firmware bundle) against an MQTT broker';

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0)) throw Object.assign(new Error(`--${name}: expected a positive number, got ${JSON.stringify(text)}`), { code: 'bad_option' });
  return value;
}

function summaryLine(report: FleetReport): string {
  const totals = report.totals;
  return `${totals.meters} meters: ${totals.produced} records written, ${totals.queued} still queued, ${totals.dropped} dropped, ${totals.flushedMeters} flushed\n`;
}

export async function run(argv: string[]): Promise<number> {
  const stopping = new AbortController();
  const onSignal = () => stopping.abort();
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        meters: { type: 'string' },
        broker: { type: 'string' },
        speed: { type: 'string' },
        'interval-seconds': { type: 'string' },
        'sample-seconds': { type: 'string' },
        duration: { type: 'string' },
        'keys-seed': { type: 'string' },
        data: { type: 'string' },
        offline: { type: 'string' },
        report: { type: 'string' },
        'until-flushed': { type: 'boolean' },
      },
    });
    const meters = positive('meters', values.meters, 10);
    const durationS = values.duration === undefined ? undefined : positive('duration', values.duration, 0);
    const offlineS = values.offline === undefined ? undefined : positive('offline', values.offline, 0);
    const isUntilFlushed = values['until-flushed'] === true;
    // Registered before the meters start: a signal during the offline phase ends it and still writes the report.
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (offlineS !== undefined) process.stdout.write(`building ${offlineS} s of offline backlog…\n`);
    const fleet = await startSimulatedMeters({
      meters: Math.floor(meters),
      brokerUrl: values.broker ?? 'mqtt://127.0.0.1:1883',
      speed: positive('speed', values.speed, 1),
      intervalSeconds: positive('interval-seconds', values['interval-seconds'], 900),
      sampleSeconds: positive('sample-seconds', values['sample-seconds'], 10),
      keysSeed: values['keys-seed'] ?? 'demo',
      cityLearnDir: values.data,
      offlineS,
      signal: stopping.signal,
    });
    for (const meter of fleet.meters) process.stdout.write(`meter ${meter.index} ${meter.address}\n`);
    if (offlineS !== undefined && !stopping.signal.aborted) {
      const built = fleet.report();
      process.stdout.write(`offline backlog built in ${(built.offlineRealMs / 1000).toFixed(1)} s: ${built.totals.queued} records queued; network up\n`);
    }
    if (!stopping.signal.aborted) {
      await new Promise<void>((resolve) => {
        let durationTimer: NodeJS.Timeout | undefined;
        const finish = () => {
          if (durationTimer !== undefined) clearTimeout(durationTimer);
          stopping.signal.removeEventListener('abort', finish);
          resolve();
        };
        if (durationS !== undefined) durationTimer = setTimeout(finish, durationS * 1000);
        stopping.signal.addEventListener('abort', finish);
        if (isUntilFlushed) {
          void fleet.whenFlushed().then(finish);
        }
      });
    }
    // The meters' own figures (their console object): what was written, and what is still waiting in flash.
    const report = fleet.report();
    await fleet.stop();
    if (values.report !== undefined) writeFileSync(values.report, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(summaryLine(report));
    const isFlushed = report.totals.flushedMeters === report.totals.meters;
    return isUntilFlushed && !isFlushed && !stopping.signal.aborted ? 1 : 0;
  } catch (error) {
    process.stderr.write(`sim: ${(error as Error).message}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * `peer-energy-trader sim --meters N --broker URL [--speed X] [--interval-seconds S] [--sample-seconds S]
 * [--duration S] [--keys-seed X] [--data DIR]`: N simulated meters running the real firmware bundle.
 */
import { parseArgs } from 'node:util';
import { startSimulatedMeters } from '../../device/sim/simulatedMeters.ts';

export const summary = 'run N simulated meters (the real firmware bundle) against an MQTT broker';

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0)) throw Object.assign(new Error(`--${name}: expected a positive number, got ${JSON.stringify(text)}`), { code: 'bad_option' });
  return value;
}

export async function run(argv: string[]): Promise<number> {
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
      },
    });
    const meters = positive('meters', values.meters, 10);
    const durationS = values.duration === undefined ? undefined : positive('duration', values.duration, 0);
    const fleet = await startSimulatedMeters({
      meters: Math.floor(meters),
      brokerUrl: values.broker ?? 'mqtt://127.0.0.1:1883',
      speed: positive('speed', values.speed, 1),
      intervalSeconds: positive('interval-seconds', values['interval-seconds'], 900),
      sampleSeconds: positive('sample-seconds', values['sample-seconds'], 10),
      keysSeed: values['keys-seed'] ?? 'demo',
      cityLearnDir: values.data,
    });
    for (const meter of fleet.meters) process.stdout.write(`meter ${meter.index} ${meter.address}\n`);
    await new Promise<void>((resolve) => {
      if (durationS !== undefined) setTimeout(resolve, durationS * 1000);
      process.once('SIGINT', () => resolve());
    });
    // The meters' own figures (their console object): what was written, and what is still waiting in flash.
    let written = 0;
    let queued = 0;
    let dropped = 0;
    for (const meter of fleet.meters) {
      const status = meter.firmwareStatus();
      written += status === undefined ? 0 : status.seq + 1;
      queued += status?.queued ?? 0;
      dropped += status?.dropped ?? 0;
    }
    process.stdout.write(`${fleet.meters.length} meters: ${written} records written, ${queued} still queued, ${dropped} dropped\n`);
    await fleet.stop();
    return 0;
  } catch (error) {
    process.stderr.write(`sim: ${(error as Error).message}\n`);
    return 2;
  }
}

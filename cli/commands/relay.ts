/**
 * `peer-energy-trader relay`: runs the relay until SIGINT/SIGTERM. Settings come from the environment
 * (`relay/config/relayConfig.ts`): `DATABASE_URL` (else PGlite in `PET_DATA_DIR`), `MQTT_URL` (else an embedded
 * broker on `PET_MQTT_PORT`), `PET_HTTP_PORT`, … A setting that cannot work prints one line naming the variable.
 */
import { ConfigError } from '../../relay/config/configError.ts';
import { onShutdownSignal } from '../../relay/ops/shutdown.ts';
import { startRelay } from '../../relay/startRelay.ts';

export const summary = 'run the relay: MQTT ingest, verification, storage, HTTP API and live feed';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'usage: peer-energy-trader relay\n\nEnvironment: DATABASE_URL, PET_DATA_DIR, MQTT_URL, PET_MQTT_PORT, PET_HTTP_PORT, PET_RELAY_ID,\nPET_MQTT_GROUP, PET_MQTT_CONNECTIONS, PET_TOPIC_PREFIX, PET_DB_SCHEMA, PET_QUEUE_MAX, PET_BATCH_MAX,\nPET_VERIFY_WORKERS, PET_CLOCK_SKEW_S, PET_RETENTION_DAYS, PET_UNKNOWN_METERS, PET_LOG_LEVEL\n',
    );
    return 0;
  }
  let relay;
  try {
    relay = await startRelay();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`peer-energy-trader relay: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const shutdown = onShutdownSignal(() => relay.stop(), relay.logger);
  await shutdown.stopped;
  shutdown.remove();
  return 0;
}

/**
 * The embedded MQTT broker of a bare-machine start (DESIGN §7): aedes in this process, on `PET_MQTT_PORT`.
 * Its persistence is in memory: fine for a demo, not for production (set `MQTT_URL`).
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { ConfigError } from '../config/configError.ts';

export interface EmbeddedBroker {
  /** `mqtt://host:port` with the port actually bound (useful with port 0). */
  url: string;
  close(): Promise<void>;
}

/** Starts aedes on host:port; a port already taken is a `ConfigError` naming `PET_MQTT_PORT`. */
export async function startEmbeddedBroker(host: string, port: number): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: Error & { code?: string }) => {
      broker.close();
      if (error.code === 'EADDRINUSE') reject(new ConfigError('port_in_use', 'PET_MQTT_PORT', `port ${port} on ${host} is already in use; set PET_MQTT_PORT to a free port, or MQTT_URL to use a running broker`));
      else reject(new ConfigError('port_in_use', 'PET_MQTT_PORT', `cannot listen on ${host}:${port} (${error.code ?? error.message})`, { cause: error }));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `mqtt://${host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
        // Connected clients keep the server open; aedes closes them, the server then closes.
      }),
  };
}

/**
 * A Mosquitto broker of the test's own, on a free port with its own configuration and persistence folder in a
 * temporary directory — never the machine's shared broker on 1883. It can be stopped (SIGTERM: Mosquitto saves
 * its persistence file) and started again on the same port, as a broker restart in production.
 *
 * Options make its limits tight for the delivery tests: a small `max_queued_messages` makes Mosquitto drop
 * messages it has already acknowledged to the publisher (it logs "Outgoing messages are being dropped"), and a
 * log file lets the test prove the drops happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface MosquittoProcess {
  port: number;
  url: string;
  start(): Promise<void>;
  /** SIGTERM and wait for the process to exit. */
  stop(): Promise<void>;
  /** Stops the broker if running and removes its folder. */
  dispose(): Promise<void>;
  /** What the broker logged so far (empty unless `logTypes` was given). */
  log(): string;
}

/** Broker limits and logging; without options the broker has Mosquitto's defaults and logs nothing. */
export interface MosquittoOptions {
  /** `max_queued_messages`: QoS 1 messages queued per client beyond those in flight; more are dropped (default 1 000). */
  maxQueuedMessages?: number;
  /** `max_inflight_messages`: QoS 1 messages sent to a client and not yet acknowledged (default 20). */
  maxInflightMessages?: number;
  /** `log_type` values (e.g. `['error', 'warning', 'notice', 'information']`) written to a file in the broker's folder. */
  logTypes?: string[];
}

/** A port that was free a moment ago (the kernel picks it). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port from the kernel');
  return address.port;
}

async function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Writes the configuration; nothing runs until `start()`. */
export async function createMosquittoProcess(options: MosquittoOptions = {}): Promise<MosquittoProcess> {
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'pet-mosquitto-'));
  const configPath = join(dir, 'mosquitto.conf');
  const logPath = join(dir, 'mosquitto.log');
  const logging = options.logTypes === undefined || options.logTypes.length === 0
    ? ['log_dest none']
    : [`log_dest file ${logPath}`, ...options.logTypes.map((type) => `log_type ${type}`), 'log_timestamp_format %H:%M:%S'];
  const limits = [
    ...(options.maxQueuedMessages === undefined ? [] : [`max_queued_messages ${options.maxQueuedMessages}`]),
    ...(options.maxInflightMessages === undefined ? [] : [`max_inflight_messages ${options.maxInflightMessages}`]),
  ];
  writeFileSync(
    configPath,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'autosave_interval 1', ...logging, ...limits,
      // Started as root, Mosquitto switches to user "mosquitto", which cannot write the persistence file here.
      `user ${userInfo().username}`, ''].join('\n'),
  );
  let child: ChildProcess | undefined;
  const broker: MosquittoProcess = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      child = spawn('mosquitto', ['-c', configPath], { stdio: 'ignore' });
      const deadline = Date.now() + 5000;
      while (!(await isListening(port))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`mosquitto did not listen on ${port} (exit code ${child.exitCode})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
    async dispose() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
  };
  return broker;
}

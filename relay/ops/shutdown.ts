/**
 * Graceful shutdown on SIGINT/SIGTERM: the first signal runs `stop` (stop reading, drain the queue, store,
 * acknowledge, close); a second signal exits at once — safe, because nothing unstored was acknowledged.
 */
import type { Logger } from './logger.ts';

/** Longest a graceful shutdown may take before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 30_000;

/** Installs the handlers; resolves when `stop` has finished after a signal. Returns a function that removes them. */
export function onShutdownSignal(stop: () => Promise<void>, logger: Logger): { stopped: Promise<void>; remove(): void } {
  let isStopping = false;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const handler = (signal: NodeJS.Signals) => {
    if (isStopping) {
      logger.warn({ signal }, 'second signal: exiting now; unacknowledged messages will be redelivered by the broker');
      process.exit(130);
    }
    isStopping = true;
    logger.info({ signal }, 'shutting down: draining the ingest queue');
    // A drain that cannot finish (database gone) must not keep the process forever; exiting is safe because
    // nothing unstored was acknowledged.
    setTimeout(() => {
      logger.error({ afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time: exiting; unacknowledged messages will be redelivered');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    stop().then(
      () => resolveStopped(),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        resolveStopped();
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopped,
    remove() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

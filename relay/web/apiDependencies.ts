import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SignInService } from '../auth/signInService.ts';
import type { DataKeyring } from '../privacy/dataKeyring.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';

/** One thing `/health/ready` checks: resolves when healthy, rejects (or returns false) when not. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean | void>;
}

/** What the HTTP API's routes read from; built once by `createApp`'s caller. */
export interface ApiDependencies {
  db: RelayDatabase;
  signIn: SignInService;
  metrics: Registry;
  operatorToken: string | undefined;
  /** Checked by `/health/ready` besides the database (e.g. the broker connection). */
  readinessChecks: readonly ReadinessCheck[];
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** Clock, Unix ms (tests move it). */
  now: () => number;
  /** Keys for personal fields and owner pseudonyms (`relay/privacy/`); absent = privacy routes answer `data_key_missing`. */
  dataKeyring?: DataKeyring | undefined;
  /** A zone's on-chain id, as meters are registered (`ZoneDirectory.chainZoneOf`); default: the hash of its name. */
  chainZoneOf?: ((zone: string) => bigint) | undefined;
}

/**
 * Settings of the web and feed rooms, read once at start-up from the environment and frozen. Errors name the
 * variable to fix (`ConfigError`).
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config/configError.ts';

export interface WebConfig {
  /** `PET_OPERATOR_TOKEN`: bearer token of the operator (≥ 24 characters); unset = operator routes refuse all. */
  operatorToken: string | undefined;
  /** `PET_SESSION_SECRET`: HMAC key of owner session tokens, 64+ hex digits; unset = random per start. */
  sessionSecret: Uint8Array;
  /** `PET_SESSION_TTL_S`: lifetime of an owner session token. */
  sessionTtlS: number;
  /** `PET_SIWE_CHALLENGE_TTL_S`: how long a sign-in challenge waits for its signature. */
  challengeTtlS: number;
  /** `PET_PUBLIC_URL`: the relay's public origin; its host is the EIP-4361 domain. Unset = the listening address. */
  publicUrl: string | undefined;
  /** `PET_CHAIN_ID`: EIP-155 chain id owners sign in for. */
  chainId: number;
  /** `PET_SIWE_MAX_PENDING`: most sign-in challenges pending at once. */
  maxPendingChallenges: number;
  /** `PET_FEED_INTERVAL_MS`: least time between two zone updates on the feed. */
  feedIntervalMs: number;
  /** `PET_FEED_BUFFER_BYTES`: a feed client with more unsent bytes than this is disconnected. */
  feedBufferMaxBytes: number;
  /** `PET_FEED_PING_MS`: heartbeat period; a client that missed one pong is dropped. */
  feedPingMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function readInteger(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const text = env[variable];
  if (text === undefined || text === '') return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new ConfigError('invalid_setting', variable, `expected an integer ${min} … ${max}, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return value;
}

function readSecret(env: Env): Uint8Array {
  const text = env.PET_SESSION_SECRET;
  if (text === undefined || text === '') return randomBytes(32);
  if (!/^([0-9a-fA-F]{2}){32,}$/.test(text)) {
    throw new ConfigError('invalid_setting', 'PET_SESSION_SECRET', `expected at least 64 hex digits (32 bytes), got ${text.length} characters`);
  }
  return Buffer.from(text, 'hex');
}

function readOperatorToken(env: Env): string | undefined {
  const text = env.PET_OPERATOR_TOKEN;
  if (text === undefined || text === '') return undefined;
  if (text.length < 24 || /\s/.test(text)) {
    throw new ConfigError('invalid_setting', 'PET_OPERATOR_TOKEN', `expected at least 24 characters without spaces, got ${text.length} characters`);
  }
  return text;
}

function readPublicUrl(env: Env): string | undefined {
  const text = env.PET_PUBLIC_URL;
  if (text === undefined || text === '') return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('invalid_setting', 'PET_PUBLIC_URL', `expected an origin such as https://relay.example.org, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('invalid_setting', 'PET_PUBLIC_URL', `expected an http: or https: URL, got ${url.protocol}`);
  }
  return url.origin;
}

/**
 * Reads the web room's settings.
 *
 * @throws {ConfigError} naming the first variable whose value cannot be used.
 * @example
 * const web = readWebConfig({ PET_OPERATOR_TOKEN: 'a-long-random-operator-token', PET_CHAIN_ID: '8453' });
 */
export function readWebConfig(env: Env = process.env): WebConfig {
  return Object.freeze({
    operatorToken: readOperatorToken(env),
    sessionSecret: readSecret(env),
    sessionTtlS: readInteger(env, 'PET_SESSION_TTL_S', 3_600, 60, 30 * 86_400),
    challengeTtlS: readInteger(env, 'PET_SIWE_CHALLENGE_TTL_S', 300, 10, 3_600),
    publicUrl: readPublicUrl(env),
    chainId: readInteger(env, 'PET_CHAIN_ID', 31_337, 1, 2 ** 53 - 1),
    maxPendingChallenges: readInteger(env, 'PET_SIWE_MAX_PENDING', 10_000, 1, 1_000_000),
    feedIntervalMs: readInteger(env, 'PET_FEED_INTERVAL_MS', 250, 10, 60_000),
    feedBufferMaxBytes: readInteger(env, 'PET_FEED_BUFFER_BYTES', 1_048_576, 1_024, 1_073_741_824),
    feedPingMs: readInteger(env, 'PET_FEED_PING_MS', 30_000, 100, 600_000),
  });
}

/**
 * Reads the data key once at start-up:
 *
 * 1. `PET_DATA_KEY` — 32 bytes as 64 hex digits or base64 — is the key that writes; `PET_DATA_KEY_PREVIOUS`
 *    (comma-separated, same format) lists older keys that still read (rotation, docs/privacy.md).
 * 2. Otherwise the key file `PET_DATA_KEY_FILE`, or, for the embedded PGlite default, `<PET_DATA_DIR>/pet-data-key`:
 *    read if present, else generated from the system CSPRNG and written with mode 0600, with a warning — the key
 *    then lives beside the data, so a copy of the folder holds both.
 * 3. With `DATABASE_URL` and neither, there is no key: several relays would otherwise each invent their own. The
 *    privacy routes answer `data_key_missing` until the operator sets `PET_DATA_KEY`.
 * 4. With an in-memory database (or none given), a random key for this process only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/configError.ts';
import type { DatabaseConfig } from '../config/relayConfig.ts';
import { createDataKeyring, DATA_KEY_BYTES, type DataKeyring } from './dataKeyring.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The keyring (or none) and where it came from, with the warning to log, if any. */
export interface LoadedDataKeyring {
  keyring: DataKeyring | undefined;
  origin: 'env' | 'file' | 'generated' | 'ephemeral' | 'none';
  warning?: string;
}

/**
 * Parses one key: 64 hex digits, or base64/base64url of 32 bytes.
 * @throws {ConfigError} `invalid_setting` naming `variable`.
 */
export function parseDataKey(text: string, variable: string): Uint8Array {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === DATA_KEY_BYTES) return bytes;
  }
  throw new ConfigError(
    'invalid_setting',
    variable,
    `expected ${DATA_KEY_BYTES} bytes as 64 hex digits or 44 base64 characters (e.g. "openssl rand -hex 32"), got ${trimmed.length} characters`,
  );
}

async function readKeyFile(path: string, variable: string): Promise<{ key: Uint8Array; warning?: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('invalid_setting', variable, `cannot read the data key file ${path} (${(error as Error).message})`, { cause: error });
  }
  const key = parseDataKey(text, `${variable} (${path})`);
  const mode = (await stat(path)).mode & 0o777;
  const warning = (mode & 0o077) !== 0 ? `data key file ${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it` : undefined;
  return warning === undefined ? { key } : { key, warning };
}

/**
 * Loads the data keyring from `env` (normally `process.env`); `database` is the relay's database setting, which
 * says where the embedded default keeps its generated key.
 * @throws {ConfigError} naming `PET_DATA_KEY`, `PET_DATA_KEY_PREVIOUS` or `PET_DATA_KEY_FILE` when a value is malformed.
 * @example
 * const { keyring, warning } = await loadDataKeyring(process.env, config.database);
 * if (warning) logger.warn(warning);
 */
export async function loadDataKeyring(env: Env, database?: DatabaseConfig): Promise<LoadedDataKeyring> {
  const previous = (env.PET_DATA_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => parseDataKey(part, 'PET_DATA_KEY_PREVIOUS'));
  if (env.PET_DATA_KEY !== undefined && env.PET_DATA_KEY !== '') {
    return { keyring: createDataKeyring([parseDataKey(env.PET_DATA_KEY, 'PET_DATA_KEY'), ...previous]), origin: 'env' };
  }
  const filePath = env.PET_DATA_KEY_FILE || (database?.kind === 'pglite' && !database.dataDir.startsWith('memory://') ? join(database.dataDir, 'pet-data-key') : undefined);
  if (filePath === undefined) {
    if (database?.kind === 'postgres') {
      return { keyring: undefined, origin: 'none', warning: 'PET_DATA_KEY is not set: owner profiles, export and erasure answer data_key_missing; set PET_DATA_KEY to 32 random bytes (openssl rand -hex 32), the same on every relay' };
    }
    return { keyring: createDataKeyring([randomBytes(DATA_KEY_BYTES)]), origin: 'ephemeral', warning: 'PET_DATA_KEY is not set and there is no data folder to keep a key in: personal fields are encrypted under a key that dies with this process' };
  }
  const variable = env.PET_DATA_KEY_FILE ? 'PET_DATA_KEY_FILE' : 'PET_DATA_DIR';
  const fromFile = async (): Promise<LoadedDataKeyring | undefined> => {
    const existing = await readKeyFile(filePath, variable);
    if (existing === undefined) return undefined;
    const keyring = createDataKeyring([existing.key, ...previous]);
    return existing.warning === undefined ? { keyring, origin: 'file' } : { keyring, origin: 'file', warning: existing.warning };
  };
  const existing = await fromFile();
  if (existing !== undefined) return existing;
  const key = randomBytes(DATA_KEY_BYTES);
  try {
    await mkdir(dirname(filePath), { recursive: true });
    await writeFile(filePath, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another relay process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await fromFile())!;
    throw new ConfigError('invalid_setting', variable, `cannot write a new data key to ${filePath} (${(error as Error).message})`, { cause: error });
  }
  return {
    keyring: createDataKeyring([key, ...previous]),
    origin: 'generated',
    warning: `PET_DATA_KEY is not set: generated a data key in ${filePath} (mode 0600). It sits beside the data it protects — back it up apart from the data and set PET_DATA_KEY from a secret store in production`,
  };
}

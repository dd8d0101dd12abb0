import { hexToBytesOrUndefined } from '../records/digestHex.ts';
import type { StorageApi } from '../queue/storageApi.ts';
import type { ConfigProblem, MeterConfig } from './meterConfig.ts';
import { parseMeterConfig } from './meterConfig.ts';
import { CONFIG_FILE, KEY_FILE } from './storedSettings.ts';

/** What boot found in Storage: a usable configuration and key, or the problem to report. */
export interface StoredSettings {
  config: MeterConfig | undefined;
  privateKey: Uint8Array | undefined;
  problem: ConfigProblem | undefined;
}

/** Reads and validates `pet.cfg` and `pet.key`; never throws. */
export function readStoredSettings(storage: StorageApi): StoredSettings {
  const configText = storage.read(CONFIG_FILE);
  if (configText === undefined) {
    return { config: undefined, privateKey: undefined, problem: { code: 'missing_config', message: CONFIG_FILE + ' not found: run peer-energy-trader provision' } };
  }
  let config: MeterConfig;
  try {
    config = parseMeterConfig(JSON.parse(configText));
  } catch (error) {
    const problem = error as ConfigProblem;
    const message = problem !== null && typeof problem === 'object' && typeof problem.message === 'string' ? problem.message : String(error);
    return { config: undefined, privateKey: undefined, problem: { code: 'bad_config', message } };
  }
  const keyText = storage.read(KEY_FILE);
  const privateKey = keyText === undefined ? undefined : hexToBytesOrUndefined(keyText.trim(), 32);
  if (privateKey === undefined) {
    return { config, privateKey: undefined, problem: { code: 'missing_key', message: KEY_FILE + ': expected 64 hex digits, got ' + (keyText === undefined ? 'no file' : keyText.length + ' characters') } };
  }
  return { config, privateKey, problem: undefined };
}

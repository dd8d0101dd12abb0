/**
 * Reads a compiled contract (ABI and creation bytecode) from forge's output folder, `contracts/out/<File>.sol/<Name>.json`.
 * The folder is a build product (git-ignored): when it is missing, `forge build` is run once through
 * `scripts/forge.js` (offline, solc from npm) before giving up with `artifact_missing`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';
import { ChainError } from './chainError.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** ABI and creation bytecode of one contract. */
export interface ContractArtifact {
  name: string;
  abi: Abi;
  bytecode: Hex;
}

let hasTriedBuild = false;

function artifactPath(file: string, name: string): string {
  return fileURLToPath(new URL(`../../contracts/out/${file}.sol/${name}.json`, import.meta.url));
}

/**
 * Loads `contracts/out/<file>.sol/<name>.json`.
 * @throws {ChainError} `artifact_missing` when the contracts cannot be built.
 * @example const marketplace = loadContractArtifact('TradingMarketplace');
 */
export function loadContractArtifact(name: string, file: string = name): ContractArtifact {
  const path = artifactPath(file, name);
  if (!existsSync(path) && !hasTriedBuild) {
    hasTriedBuild = true;
    try {
      execFileSync(process.execPath, ['scripts/forge.js', 'build'], { cwd: repoRoot, stdio: 'ignore' });
    } catch (error) {
      throw new ChainError('artifact_missing', `expected compiled contracts in contracts/out; "forge build" failed`, { cause: error });
    }
  }
  if (!existsSync(path)) throw new ChainError('artifact_missing', `expected ${path} (run "node scripts/forge.js build")`);
  const json = JSON.parse(readFileSync(path, 'utf8')) as { abi: Abi; bytecode: { object: string } };
  const object = json.bytecode.object;
  return { name, abi: json.abi, bytecode: (object.startsWith('0x') ? object : `0x${object}`) as Hex };
}

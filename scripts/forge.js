#!/usr/bin/env node
// Runs the npm forge binary from the project root with the given arguments and exits with its code.
// `npm run test:sol` → `node scripts/forge.js test`; `npm run bench:gas` → `… test --match-contract SettlementGas -vv`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const forge = join(root, 'node_modules', '.bin', 'forge');
const result = spawnSync(forge, process.argv.slice(2), { cwd: root, stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`forge: could not start ${forge} (${result.error.message}); run npm ci first\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);

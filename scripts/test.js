#!/usr/bin/env node
// The whole test suite: real-service check, type check, every TypeScript test file in its own process (uvu),
// then the Solidity tests (forge). Prints one closing line "N passed, N failed".
//
// Environment: CI=true makes unreachable PostgreSQL/Mosquitto a hard failure; PET_TEST_JOBS sets how many test
// files run at once (default 2); PET_TEST_FILE_TIMEOUT_S bounds each file (default 300).
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTestServices } from './testServices.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const testRoots = ['shared', 'device', 'relay', 'contracts', 'cli', 'test', 'scripts'];
const jobs = Number(process.env.PET_TEST_JOBS ?? 2);
const fileTimeoutMs = Number(process.env.PET_TEST_FILE_TIMEOUT_S ?? 300) * 1000;
const onlyPattern = process.argv[2] ? new RegExp(process.argv[2]) : undefined;

function findTestFiles(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTestFiles(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

function runCommand(command, args, { timeoutMs, label, capture = false }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      if (!capture) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n${label}: did not finish within ${timeoutMs / 1000} s (left a handle open or hung) — killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

// uvu prints "Total: N", "Passed: N" (with colour codes) at the end of each file.
function countUvu(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  return { total, passed };
}

async function runTypeScriptTests() {
  const files = testRoots
    .flatMap((dir) => findTestFiles(join(root, dir)))
    .map((file) => relative(root, file))
    .filter((file) => !onlyPattern || onlyPattern.test(file))
    .sort();
  let passed = 0;
  let failed = 0;
  const queue = [...files];
  async function worker() {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const result = await runCommand(process.execPath, ['--import', 'tsx', file], { timeoutMs: fileTimeoutMs, label: file, capture: true });
      const counts = countUvu(result.output);
      const fileFailed = counts.total - counts.passed + (result.code !== 0 && counts.total === counts.passed ? 1 : 0);
      passed += counts.passed;
      failed += fileFailed;
      const status = fileFailed === 0 && counts.total > 0 ? 'ok  ' : 'FAIL';
      process.stdout.write(`${status} ${file} — ${counts.passed}/${counts.total} in ${result.seconds.toFixed(1)} s\n`);
      if (status === 'FAIL') {
        if (counts.total === 0) failed += fileFailed === 0 ? 1 : 0;
        process.stdout.write(result.output.split('\n').map((line) => `     | ${line}`).join('\n') + '\n');
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return { passed, failed, files: files.length };
}

async function runSolidityTests() {
  if (!existsSync(join(root, 'scripts/forge.js'))) return { passed: 0, failed: 0, ran: false };
  // Formatting is part of the contract code's review: `forge fmt --check` counts as one test.
  const format = await runCommand(process.execPath, ['scripts/forge.js', 'fmt', '--check'], { timeoutMs: 120_000, label: 'forge fmt --check' });
  const formatFailed = format.code === 0 ? 0 : 1;
  process.stdout.write(`${formatFailed ? 'FAIL' : 'ok  '} forge fmt --check\n`);
  const result = await runCommand(process.execPath, ['scripts/forge.js', 'test'], { timeoutMs: 15 * 60 * 1000, label: 'forge test' });
  const plain = result.output.replace(/\x1b\[[0-9;]*m/g, '');
  const summary = /Ran \d+ test suites?.*?(\d+) tests? passed, (\d+) failed/.exec(plain);
  const passed = Number(summary?.[1] ?? 0);
  const failed = Number(summary?.[2] ?? 0) + (result.code !== 0 && Number(summary?.[2] ?? 0) === 0 ? 1 : 0);
  return { passed: passed + (1 - formatFailed), failed: failed + formatFailed, ran: true };
}

const started = Date.now();
await checkTestServices();
if (!onlyPattern) {
  process.stdout.write('type check (tsc --noEmit)\n');
  const check = await runCommand(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], { timeoutMs: 600_000, label: 'tsc' });
  if (check.code !== 0) {
    process.stdout.write('type check failed\n0 passed, 1 failed\n');
    process.exit(1);
  }
}
const ts = await runTypeScriptTests();
const sol = onlyPattern ? { passed: 0, failed: 0, ran: false } : await runSolidityTests();
const passed = ts.passed + sol.passed;
const failed = ts.failed + sol.failed;
process.stdout.write(`\nTypeScript: ${ts.passed} passed, ${ts.failed} failed in ${ts.files} files; Solidity: ${sol.ran ? `${sol.passed} passed, ${sol.failed} failed` : 'not present'}; ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

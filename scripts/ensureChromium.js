#!/usr/bin/env node
// Makes sure Debian's `chromium` is installed for the real-browser tests (test/browser/), installing it with
// apt-get when it is missing. Exits 0 when the browser is there, 1 with a message saying what to do when not.
//
// Usage: node scripts/ensureChromium.js            (from the test runner)
//        import { ensureChromium } from '../../scripts/ensureChromium.js'   (from a test, before launching)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where Debian's package puts the browser; the tests launch this executable. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function aptGet(args) {
  // Two browser test files may install at once: the second waits for the first's dpkg lock instead of failing.
  const result = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=900', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, error: result.error };
}

/**
 * Returns the path of an installed Chromium, installing Debian's `chromium` package when it is missing
 * (`apt-get install -y chromium`, then `apt-get update` and a second try if the first fails).
 * Throws an Error with `code: 'chromium_missing'` and a message naming the fix when it cannot.
 */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw Object.assign(
      new Error(`chromium is not installed at ${CHROMIUM_PATH} and this process is not root: run "sudo apt-get install -y chromium" or set CHROMIUM_PATH`),
      { code: 'chromium_missing' },
    );
  }
  let attempt = aptGet(['install', '-y', '--no-install-recommends', 'chromium']);
  if (!attempt.ok) {
    aptGet(['update']);
    attempt = aptGet(['install', '-y', '--no-install-recommends', 'chromium']);
  }
  if (!attempt.ok || !existsSync(CHROMIUM_PATH)) {
    const reason = attempt.error ? attempt.error.message : attempt.output.trim().split('\n').slice(-3).join(' | ');
    throw Object.assign(
      new Error(`could not install chromium with apt-get (${reason}); install it by hand ("apt-get install -y chromium") or set CHROMIUM_PATH`),
      { code: 'chromium_missing' },
    );
  }
  return CHROMIUM_PATH;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const path = ensureChromium();
    process.stdout.write(`chromium: ${path}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

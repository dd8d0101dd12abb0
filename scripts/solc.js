#!/usr/bin/env node
// A native-solc look-alike over the npm `solc` package (solcjs), so that forge compiles offline.
// forge calls `<solc> --version` and `<solc> --standard-json [--base-path P] [--include-path P]… [--allow-paths P,…]`
// with the Standard JSON input on stdin (Solidity docs, "Compiler Input and Output JSON Description").
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import { resolve, isAbsolute, relative } from 'node:path';

const require = createRequire(import.meta.url);
const solc = require('solc');

const args = process.argv.slice(2);

/** Native builds print `<version>.Linux.g++`; solcjs says `.Emscripten.clang`. forge parses the native form. */
function nativeVersion() {
  return solc.version().replace(/\.Emscripten\.clang$/, '.Linux.g++');
}

function optionValues(name) {
  const values = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && i + 1 < args.length) values.push(args[i + 1]);
    else if (args[i].startsWith(`${name}=`)) values.push(args[i].slice(name.length + 1));
  }
  return values;
}

if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${nativeVersion()}\n`);
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write(`solc wrapper: only --version and --standard-json are supported, got: ${args.join(' ')}\n`);
  process.exit(2);
}

const basePath = resolve(optionValues('--base-path')[0] ?? process.cwd());
const includePaths = optionValues('--include-path').map((p) => resolve(p));
const allowedRoots = [basePath, ...includePaths, ...optionValues('--allow-paths').flatMap((p) => p.split(',')).filter(Boolean).map((p) => resolve(p))];

function isAllowed(file) {
  return allowedRoots.some((root) => {
    const rel = relative(root, file);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** Import callback: resolves a source unit name against the base path, then each include path. */
function findImports(path) {
  const candidates = isAbsolute(path) ? [path] : [basePath, ...includePaths].map((root) => resolve(root, path));
  for (const file of candidates) {
    if (existsSync(file) && isAllowed(file)) return { contents: readFileSync(file, 'utf8') };
  }
  return { error: `File not found: ${path} (looked in ${candidates.join(', ')})` };
}

const input = readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));

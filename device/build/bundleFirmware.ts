/**
 * Bundles a firmware entry into one script for the Espruino interpreter with esbuild.
 *
 * Syntax that esbuild can lower is lowered (its `supported` table, below); what it cannot lower (generators,
 * async, BigInt, labels) is left for `espruinoRules.ts` to refuse. The interpreter's built-in modules stay
 * run-time `require("…")` calls. esbuild's `iife` format would route those through a `__require` shim that
 * uses `Proxy` (missing on Espruino), so the bundle is emitted as `cjs` — which keeps `require` untouched — and
 * wrapped in our own `(function () { … })();`, the same shape as `iife`. Class fields that TypeScript only
 * declares are dropped (`useDefineForClassFields: false`), so no `__publicField` helper appears either.
 * esbuild cannot spell out shorthand properties (`{ a }`), which EspruinoTools' minifier breaks, so the bundle
 * is rewritten afterwards by `expandShorthand.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { expandShorthandProperties } from './expandShorthand.ts';


/** esbuild features to lower (false = not supported by the interpreter, so esbuild rewrites them). */
const ESPRUINO_UNSUPPORTED_FEATURES: Record<string, boolean> = {
  'arbitrary-module-namespace-names': false,
  'array-spread': false,
  'async-await': false,
  'async-generator': false,
  bigint: false,
  'class-private-accessor': false,
  'class-private-brand-check': false,
  'class-private-field': false,
  'class-private-method': false,
  'class-private-static-accessor': false,
  'class-private-static-field': false,
  'class-private-static-method': false,
  'class-static-blocks': false,
  'default-argument': false,
  destructuring: false,
  'dynamic-import': false,
  'exponent-operator': false,
  'for-await': false,
  generator: false,
  'import-meta': false,
  'logical-assignment': false,
  'nested-rest-binding': false,
  'object-rest-spread': false,
  'optional-chain': false,
  'regexp-dot-all-flag': false,
  'regexp-match-indices': false,
  'regexp-set-notation': false,
  'rest-argument': false,
  'top-level-await': false,
};

/** What to bundle and where. */
export interface BundleFirmwareOptions {
  /** Entry TypeScript file (absolute or relative to the working directory). */
  entryPath: string;
  /** Output JavaScript file. */
  outputPath: string;
  /** Modules built into the firmware (the board JSON's `builtin_modules`): left as run-time `require` calls. */
  builtinModules: string[];
}

/**
 * Bundles `entryPath` into `outputPath` (not minified: EspruinoTools minifies, and the rule check names lines),
 * with every shorthand property spelled out; returns how many were.
 */
export async function bundleFirmware(options: BundleFirmwareOptions): Promise<number> {
  await build({
    entryPoints: [options.entryPath],
    outfile: options.outputPath,
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2020',
    supported: ESPRUINO_UNSUPPORTED_FEATURES,
    external: options.builtinModules,
    banner: { js: '(function () {' },
    footer: { js: '})();' },
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'silent',
  });
  const expansion = expandShorthandProperties(readFileSync(options.outputPath, 'utf8'));
  writeFileSync(options.outputPath, expansion.code);
  return expansion.expandedCount;
}

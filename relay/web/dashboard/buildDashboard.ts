/**
 * Bundles the dashboard page with esbuild when the relay starts: `src/main.ts` and the CSS it imports (ours and
 * uPlot's) become one minified script and one stylesheet, held in memory and named by content hash so browsers
 * may cache them forever. Nothing is fetched from a CDN; the page works on a network with no internet.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { renderDashboardPage } from './dashboardPage.ts';

/** One bundled file, served under `/assets/<name>`. */
export interface DashboardAsset {
  body: Uint8Array;
  contentType: string;
}

/** The bundled page: the HTML document and its assets by file name. */
export interface DashboardBundle {
  html: string;
  assets: ReadonlyMap<string, DashboardAsset>;
  /** Bundling time, ms (the relay logs it). */
  buildMs: number;
}

/** Options of {@link buildDashboard}. */
export interface BuildDashboardOptions {
  /** Minify (default true); tests of the page itself may turn it off for readable stack traces. */
  minify?: boolean;
}

/** A failed bundle, with esbuild's messages. */
export class DashboardBuildError extends Error {
  readonly code = 'dashboard_build_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DashboardBuildError';
  }
}

const entryPoint = fileURLToPath(new URL('./src/main.ts', import.meta.url));

/**
 * Bundles the page in memory.
 * @example
 * const bundle = await buildDashboard();
 * mountDashboard(app, { bundle });
 * @throws {DashboardBuildError} when esbuild reports an error.
 */
export async function buildDashboard(options: BuildDashboardOptions = {}): Promise<DashboardBundle> {
  const startedMs = performance.now();
  let result;
  try {
    result = await build({
      entryPoints: { main: entryPoint },
      bundle: true,
      write: false,
      outdir: '/dashboard-assets', // virtual: with write:false, esbuild only uses it to name the outputs
      format: 'esm',
      platform: 'browser',
      target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
      minify: options.minify ?? true,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'silent',
      loader: { '.css': 'css' },
    });
  } catch (cause) {
    const errors = (cause as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    const detail = errors.map((error) => `${error.location ? `${error.location.file}:${error.location.line}: ` : ''}${error.text}`).join('; ');
    throw new DashboardBuildError(`could not bundle the dashboard: ${detail || (cause as Error).message}`, { cause });
  }
  const assets = new Map<string, DashboardAsset>();
  let scriptName: string | undefined;
  let styleName: string | undefined;
  for (const file of result.outputFiles) {
    const isScript = file.path.endsWith('.js');
    const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 12);
    const name = `main-${hash}.${isScript ? 'js' : 'css'}`;
    assets.set(name, { body: file.contents, contentType: isScript ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8' });
    if (isScript) scriptName = name;
    else styleName = name;
  }
  if (scriptName === undefined || styleName === undefined) {
    throw new DashboardBuildError(`expected a script and a stylesheet from esbuild, got ${[...assets.keys()].join(', ') || 'nothing'}`);
  }
  return {
    html: renderDashboardPage({ scriptUrl: `/assets/${scriptName}`, styleUrl: `/assets/${styleName}` }),
    assets,
    buildMs: Math.round(performance.now() - startedMs),
  };
}

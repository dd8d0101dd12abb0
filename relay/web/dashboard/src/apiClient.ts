/**
 * The page's door to the relay's HTTP API (`/api/v1/…`, `/health/ready`, `/metrics`): same origin, JSON in and
 * out, the session token as a bearer credential. Every call resolves to a result, never throws, so a view can
 * show "not available" for one panel and carry on with the others.
 */

/** The outcome of one request. */
export type ApiResult<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; code: string; message: string };

let sessionToken: string | undefined;

/** Sets (or clears) the bearer token sent with every request after sign-in. */
export function useSessionToken(token: string | undefined): void {
  sessionToken = token;
}

/** The token in use, if signed in. */
export function currentSessionToken(): string | undefined {
  return sessionToken;
}

/** Fetches `path` and parses JSON (or returns the text when `as` is 'text'). */
export async function requestApi<T>(
  path: string,
  init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; as?: 'json' | 'text' } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: init.as === 'text' ? 'text/plain' : 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (sessionToken !== undefined) headers.authorization = `Bearer ${sessionToken}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (error) {
    return { ok: false, status: 0, code: 'network', message: `the relay did not answer (${(error as Error).message})` };
  }
  const text = await response.text();
  if (!response.ok) {
    const problem = parseJson(text) as { code?: unknown; error?: unknown; message?: unknown } | undefined;
    const nested = typeof problem?.error === 'object' && problem.error !== null ? (problem.error as Record<string, unknown>) : undefined;
    return {
      ok: false,
      status: response.status,
      code: String(problem?.code ?? nested?.code ?? (typeof problem?.error === 'string' ? problem.error : `http_${response.status}`)),
      message: String(problem?.message ?? nested?.message ?? (text.slice(0, 200) || response.statusText)),
    };
  }
  if (init.as === 'text') return { ok: true, status: response.status, body: text as T };
  const body = parseJson(text);
  if (body === undefined && text !== '') {
    return { ok: false, status: response.status, code: 'bad_json', message: `expected JSON from ${path}, got ${text.slice(0, 60)}` };
  }
  return { ok: true, status: response.status, body: body as T };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The list inside a response: the body itself when it is an array, else the first array-valued property named in
 * `keys` (`{ zones: […] }`, `{ items: […] }`), else empty.
 */
export function listIn<T>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    for (const key of [...keys, 'items', 'data', 'rows']) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  return [];
}

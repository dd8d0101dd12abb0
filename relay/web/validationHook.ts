import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { httpFailure, type FailureIssue } from './httpFailure.ts';

/**
 * The `defaultHook` of every route: a request that fails its schema gets 400 with the first issue's code
 * (`bad_address`, `bad_range`, … when the schema names one, else `invalid_<part>`) and every issue listed.
 */
export function validationHook(result: { target: string; success: boolean; error?: ZodError }, _c: Context): void {
  if (result.success || result.error === undefined) return;
  const issues: FailureIssue[] = result.error.issues.map((issue) => {
    const params = (issue as { params?: { code?: unknown } }).params;
    const code = typeof params?.code === 'string' ? params.code : `invalid_${result.target}`;
    const path = [result.target, ...issue.path.map(String)].join('.');
    return { path, code, message: issue.message };
  });
  const first = issues[0]!;
  throw httpFailure(400, first.code, `${first.path}: ${first.message}`, issues);
}

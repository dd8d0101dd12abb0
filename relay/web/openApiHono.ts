import { OpenAPIHono } from '@hono/zod-openapi';
import { validationHook } from './validationHook.ts';
import { ErrorSchema as ErrorSchemaRef } from './apiSchemas.ts';

/** The app type every route file registers on. */
export type ApiApp = OpenAPIHono;

/** A fresh OpenAPIHono whose failed validations become 400 `{ error: { code, message, issues } }`. */
export function createApiApp(): ApiApp {
  return new OpenAPIHono({ defaultHook: validationHook });
}

/** Response entry for an error status in a route definition. */
export function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ErrorSchemaRef } } } as const;
}


/**
 * The owner's privacy rights over HTTP (docs/privacy.md): export (GDPR art. 15), erasure (art. 17), and the
 * encrypted personal fields of a meter (art. 25, 32). Only this file maps the privacy room's error codes to HTTP.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { DataKeyring } from '../../privacy/dataKeyring.ts';
import { eraseOwnerData } from '../../privacy/eraseOwnerData.ts';
import { exportOwnerData } from '../../privacy/exportOwnerData.ts';
import { readMeterProfile, writeMeterProfile } from '../../privacy/meterProfile.ts';
import { PrivacyError, type PrivacyErrorCode } from '../../privacy/privacyError.ts';
import { findMeter } from '../../store/queries/findMeter.ts';
import { MeterParamsSchema } from '../apiSchemas.ts';
import type { ApiDependencies } from '../apiDependencies.ts';
import { httpFailure } from '../httpFailure.ts';
import { jsonBodyLimit } from '../jsonBodyLimit.ts';
import { errorResponse, type ApiApp } from '../openApiHono.ts';
import { requireOwner, requireSession } from '../ownerSession.ts';

/** The text an erasure request must carry, so that no stray request erases anything. */
export const ERASURE_CONFIRMATION = 'erase all my data';

const MAX_PROFILE_BODY_BYTES = 4_096;

const privacyStatus: Record<PrivacyErrorCode, ContentfulStatusCode> = {
  bad_ciphertext: 500,
  unknown_data_key: 500,
  tampered_ciphertext: 500,
  data_key_missing: 503,
  confirmation_required: 400,
  settlement_pending: 409,
};

function toHttp(error: unknown): never {
  if (error instanceof PrivacyError) throw httpFailure(privacyStatus[error.code], error.code, error.message);
  throw error;
}

function requireKeyring(deps: ApiDependencies): DataKeyring {
  if (deps.dataKeyring === undefined) {
    throw httpFailure(503, 'data_key_missing', 'the relay was started without PET_DATA_KEY, so it cannot read or pseudonymise personal data; the operator must set it');
  }
  return deps.dataKeyring;
}

const ProfileSchema = z
  .object({
    label: z.string().max(200).nullable().openapi({ description: 'a name for the meter, e.g. "garage roof"; null clears it', example: 'garage roof' }),
    ownerContact: z.string().max(500).nullable().openapi({ description: 'how the operator may reach you; null clears it', example: 'ana@example.org' }),
  })
  .strict()
  .openapi('MeterProfile');

const exportRoute = createRoute({
  method: 'get',
  path: '/api/v1/me/export',
  tags: ['owner', 'privacy'],
  summary: 'Everything the relay holds about your meters and account (GDPR art. 15), as one JSON document',
  security: [{ ownerSession: [] }],
  responses: {
    200: { description: 'the export (format pet-export/1, streamed)', content: { 'application/json': { schema: z.object({ format: z.literal('pet-export/1') }).passthrough() } } },
    401: errorResponse('not signed in, or the token is bad or expired'),
    503: errorResponse('data_key_missing'),
  },
});

const ErasureRequestSchema = z.object({ confirm: z.string().openapi({ example: ERASURE_CONFIRMATION, description: `exactly "${ERASURE_CONFIRMATION}"` }) }).strict();

const eraseRoute = createRoute({
  method: 'post',
  path: '/api/v1/me/erase',
  tags: ['owner', 'privacy'],
  summary: 'Erase your personal data (GDPR art. 17); settlement records are kept pseudonymised',
  security: [{ ownerSession: [] }],
  middleware: [jsonBodyLimit(MAX_PROFILE_BODY_BYTES)] as const,
  request: { body: { required: true, content: { 'application/json': { schema: ErasureRequestSchema } } } },
  responses: {
    200: {
      description: 'what was deleted and what was kept',
      content: {
        'application/json': {
          schema: z
            .object({ erasedAt: z.string(), meters: z.array(z.string()), deleted: z.record(z.string(), z.number()), kept: z.record(z.string(), z.number()) })
            .openapi('ErasureResult'),
        },
      },
    },
    400: errorResponse('confirmation_required or invalid_json'),
    401: errorResponse('not signed in, or the token is bad or expired'),
    409: errorResponse('settlement_pending: a trade of yours awaits settlement'),
    503: errorResponse('data_key_missing'),
  },
});

const profileResponses = {
  200: { description: 'the profile, decrypted', content: { 'application/json': { schema: z.object({ meter: z.string(), profile: ProfileSchema }) } } },
  401: errorResponse('not signed in, or the token is bad or expired'),
  403: errorResponse('not_owner'),
  404: errorResponse('unknown_meter'),
  503: errorResponse('data_key_missing'),
} as const;

const putProfileRoute = createRoute({
  method: 'put',
  path: '/api/v1/me/meters/{address}/profile',
  tags: ['owner', 'privacy'],
  summary: 'Set the label and contact of your meter (stored encrypted, AES-256-GCM)',
  security: [{ ownerSession: [] }],
  middleware: [jsonBodyLimit(MAX_PROFILE_BODY_BYTES)] as const,
  request: { params: MeterParamsSchema, body: { required: true, content: { 'application/json': { schema: ProfileSchema } } } },
  responses: profileResponses,
});

const getProfileRoute = createRoute({
  method: 'get',
  path: '/api/v1/me/meters/{address}/profile',
  tags: ['owner', 'privacy'],
  summary: 'The label and contact of your meter, decrypted',
  security: [{ ownerSession: [] }],
  request: { params: MeterParamsSchema },
  responses: profileResponses,
});

/** Registers export, erasure and the meter profile routes. */
export function registerPrivacyRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(exportRoute, async (c) => {
    const session = requireSession(c, deps.signIn);
    const keyring = requireKeyring(deps);
    const chunks = exportOwnerData({ db: deps.db, keyring, owner: session.address, nowMs: deps.now() });
    // The first chunk is read before answering, so that a failure to start is a proper error response.
    const first = await chunks.next().catch(toHttp);
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (first.done !== true) controller.enqueue(encoder.encode(first.value));
      },
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done === true) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          deps.logger.error({ err: error }, 'export failed while streaming');
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    const name = `pet-export-${session.address.slice(2, 10)}-${new Date(deps.now()).toISOString().slice(0, 10)}.json`;
    return new Response(stream, {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' },
    }) as never;
  });

  app.openapi(eraseRoute, async (c) => {
    const session = requireSession(c, deps.signIn);
    const keyring = requireKeyring(deps);
    const { confirm } = c.req.valid('json');
    if (confirm !== ERASURE_CONFIRMATION) {
      throw httpFailure(400, 'confirmation_required', `expected confirm to be exactly "${ERASURE_CONFIRMATION}", got ${JSON.stringify(confirm.slice(0, 40))}`);
    }
    const result = await eraseOwnerData({ db: deps.db, keyring, owner: session.address }).catch(toHttp);
    deps.logger.info({ meters: result.meters.length, deleted: result.deleted, kept: result.kept }, 'owner data erased');
    c.header('cache-control', 'no-store');
    return c.json(result, 200);
  });

  async function ownedMeter(c: Parameters<Parameters<typeof app.openapi>[1]>[0], address: string): Promise<void> {
    const session = requireSession(c, deps.signIn);
    const found = await findMeter(deps.db, address);
    if (found === undefined) throw httpFailure(404, 'unknown_meter', `no meter ${address} is known to this relay`);
    requireOwner(session, address, found.ownerAddress);
  }

  app.openapi(putProfileRoute, async (c) => {
    const { address } = c.req.valid('param');
    await ownedMeter(c, address);
    const keyring = requireKeyring(deps);
    const profile = c.req.valid('json');
    await writeMeterProfile(deps.db, keyring, address, profile);
    c.header('cache-control', 'no-store');
    return c.json({ meter: address, profile }, 200);
  });

  app.openapi(getProfileRoute, async (c) => {
    const { address } = c.req.valid('param');
    await ownedMeter(c, address);
    const keyring = requireKeyring(deps);
    const profile = (await readMeterProfile(deps.db, keyring, address).catch(toHttp)) ?? { label: null, ownerContact: null };
    c.header('cache-control', 'no-store');
    return c.json({ meter: address, profile }, 200);
  });
}

/**
 * The request and response schemas of the HTTP API (zod, with OpenAPI metadata). Routes validate with them and
 * the OpenAPI document at `/openapi.json` is generated from them, so the two cannot drift apart.
 */
import { z } from '@hono/zod-openapi';

const addressPattern = /^0x[0-9a-fA-F]{40}$/;

/** A 0x-prefixed 20-byte hex address, any case in, lower case out. Issue code `bad_address`. */
export const AddressSchema = z
  .string()
  .refine((text) => addressPattern.test(text), {
    message: 'expected a 0x-prefixed 40-hex-digit address',
    params: { code: 'bad_address' },
  })
  .transform((text) => text.toLowerCase())
  .openapi({ example: '0x90f79bf6eb2c4f870365e785982e1f101e93b906', pattern: addressPattern.source });

/** Unix seconds as a decimal integer in a query string. */
const UnixSecondsSchema = z
  .string()
  .refine((text) => /^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff, {
    message: 'expected Unix seconds as an integer 0 … 4294967295',
    params: { code: 'bad_time' },
  })
  .transform(Number);

/** Page size in a query string, 1 … max. Issue code `bad_limit`. */
function limitSchema(defaultLimit: number, maxLimit: number) {
  return z
    .string()
    .optional()
    .refine((text) => text === undefined || (/^\d{1,7}$/.test(text) && Number(text) >= 1 && Number(text) <= maxLimit), {
      message: `expected an integer page size 1 … ${maxLimit}`,
      params: { code: 'bad_limit' },
    })
    .transform((text) => (text === undefined ? defaultLimit : Number(text)))
    .openapi({ param: { description: `page size, default ${defaultLimit}, at most ${maxLimit}` }, example: String(defaultLimit) });
}

/** `?from=&to=` in Unix seconds, `from < to`, span at most `maxSpanS`, plus a page size. Issue code `bad_range`. */
export function timeRangeQuerySchema(options: { maxSpanS: number; defaultLimit: number; maxLimit: number; hasCursor?: boolean }) {
  return z
    .object({
      from: UnixSecondsSchema.openapi({ param: { description: 'start, Unix seconds, inclusive' }, example: '1767225600' }),
      to: UnixSecondsSchema.openapi({ param: { description: 'end, Unix seconds, exclusive' }, example: '1767229200' }),
      limit: limitSchema(options.defaultLimit, options.maxLimit),
      ...(options.hasCursor === true
        ? {
            afterSeq: z
              .string()
              .optional()
              .refine((text) => text === undefined || /^\d{1,10}$/.test(text), { message: 'expected a sequence number', params: { code: 'bad_cursor' } })
              .transform((text) => (text === undefined ? undefined : Number(text)))
              .openapi({ param: { description: 'cursor: only records with a larger sequence number (the last seq of the previous page)' } }),
          }
        : {}),
    })
    .superRefine((query, context) => {
      if (query.from >= query.to) {
        context.addIssue({ code: 'custom', path: ['to'], message: `expected from < to, got from=${query.from} to=${query.to}`, params: { code: 'bad_range' } });
      } else if (query.to - query.from > options.maxSpanS) {
        context.addIssue({
          code: 'custom',
          path: ['to'],
          message: `expected a range of at most ${options.maxSpanS} s, got ${query.to - query.from} s; page through shorter ranges`,
          params: { code: 'bad_range' },
        });
      }
    });
}

export const MeterParamsSchema = z.object({
  address: AddressSchema.openapi({ param: { name: 'address', in: 'path', description: 'meter id: the address of its key' } }),
});

export const ZoneNameSchema = z
  .string()
  .refine((text) => /^[A-Za-z0-9_.:-]{1,64}$/.test(text), { message: 'expected a zone name of 1 … 64 letters, digits, "_", ".", ":" or "-"', params: { code: 'bad_zone' } });

export const ZoneParamsSchema = z.object({
  zone: ZoneNameSchema.openapi({ param: { name: 'zone', in: 'path', description: 'grid zone name' }, example: 'feeder-7' }),
});

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'bad_range' }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

export const PublicMeterSchema = z
  .object({
    address: z.string(),
    zone: z.string(),
    technology: z.string().nullable(),
    nameplateW: z.number().int().nullable(),
    registeredAt: z.string().openapi({ format: 'date-time' }),
    isActive: z.boolean(),
    isRegistered: z.boolean(),
  })
  .openapi('PublicMeter');

export const ReadingSchema = z
  .object({
    seq: z.number().int(),
    timeS: z.number().int(),
    importWh: z.number().int(),
    exportWh: z.number().int(),
    powerW: z.number().int(),
    voltageDv: z.number().int(),
    currentMa: z.number().int(),
    powerFactorPermille: z.number().int(),
    digest: z.string(),
  })
  .openapi('Reading');

export const SealSchema = z
  .object({
    seq: z.number().int(),
    prev: z.string(),
    startS: z.number().int(),
    endS: z.number().int(),
    importStartWh: z.number().int(),
    importEndWh: z.number().int(),
    exportStartWh: z.number().int(),
    exportEndWh: z.number().int(),
    sampleCount: z.number().int(),
    sig: z.string(),
    digest: z.string(),
  })
  .openapi('Seal');

export const ZoneIntervalSchema = z
  .object({
    startS: z.number().int(),
    endS: z.number().int(),
    exportWh: z.number().int().openapi({ description: 'production fed into the grid by the zone’s meters' }),
    importWh: z.number().int().openapi({ description: 'consumption drawn from the grid by the zone’s meters' }),
    netExportWh: z.number().int().openapi({ description: 'exportWh − importWh; positive when the zone exported' }),
    meterCount: z.number().int().openapi({ description: 'meters covered; never below the privacy minimum' }),
  })
  .openapi('ZoneInterval');

export const RejectionSchema = z
  .object({
    id: z.number().int(),
    receivedAt: z.string().openapi({ format: 'date-time' }),
    topic: z.string(),
    meter: z.string().nullable(),
    seq: z.number().int().nullable(),
    code: z.string(),
    reason: z.string(),
    payloadExcerpt: z.string(),
    payloadBytes: z.number().int(),
  })
  .openapi('Rejection');

export const MeterRegistrationSchema = z
  .object({
    address: AddressSchema,
    zone: ZoneNameSchema,
    ownerAddress: AddressSchema,
    technology: z.enum(['solar', 'wind', 'battery', 'consumer', 'other']).optional(),
    nameplateW: z.number().int().min(0).max(10_000_000).optional(),
  })
  .strict()
  .openapi('MeterRegistration');

export const ChallengeRequestSchema = z.object({ address: AddressSchema }).strict().openapi('ChallengeRequest');

export const ChallengeSchema = z
  .object({
    message: z.string().openapi({ description: 'EIP-4361 message to sign with personal_sign (EIP-191)' }),
    nonce: z.string(),
    expiresAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Challenge');

export const VerifyRequestSchema = z
  .object({
    message: z.string().max(4_096),
    signature: z.string().max(200),
  })
  .strict()
  .openapi('VerifyRequest');

export const SessionSchema = z
  .object({
    token: z.string().openapi({ description: 'send as `Authorization: Bearer <token>`' }),
    address: z.string(),
    expiresAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Session');

export const OpenGapSchema = z
  .object({
    fromSeq: z.number().int(),
    toSeq: z.number().int().openapi({ description: 'as recorded when the gap was detected; records inside it may have arrived since' }),
    detectedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('OpenGap');

export const AbandonedGapSchema = z
  .object({
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    reason: z.string().openapi({ description: '`meter_queue_overflow` (the meter reported dropped records) or `meter_no_longer_holds`', example: 'meter_queue_overflow' }),
    recordedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AbandonedGap');

const deliveryStateFields = {
  meter: z.string(),
  contiguousSeq: z.number().int().openapi({ description: 'watermark: every seq ≤ it is stored or inside an abandoned gap; −1 before anything is' }),
  lastSeq: z.number().int().openapi({ description: 'highest seq stored; −1 before anything is' }),
  heldFromSeq: z.number().int().nullable().openapi({ description: 'lowest seq the meter last reported still holding (its status); null until a status carried it' }),
  openGaps: z.array(OpenGapSchema).openapi({ description: 'missing ranges the relay is asking the meter to resend, lowest first; only the newest when there are more than the route lists (see openGapCount)' }),
  openGapCount: z.number().int(),
  abandonedGaps: z.array(AbandonedGapSchema).openapi({ description: 'ranges lost for good, lowest first; only the newest when there are more than the route lists (see abandonedGapCount)' }),
  abandonedGapCount: z.number().int(),
  abandonedRecords: z.number().int().openapi({ description: 'sequence numbers inside all abandoned gaps' }),
};

export const MeterDeliverySchema = z
  .object({
    ...deliveryStateFields,
    recordsStored: z.number().int().openapi({ description: 'samples and seals stored, plus samples the retention job folded into hourly rollups' }),
  })
  .openapi('MeterDelivery');

export const DeliveryStateSchema = z.object(deliveryStateFields).openapi('DeliveryState');

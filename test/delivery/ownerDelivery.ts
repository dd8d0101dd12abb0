/**
 * Reads a meter's delivery state the way its household does: the operator registers the meters to an owner
 * (`POST /api/v1/meters`, operator token), the owner signs in with a wallet signature (EIP-4361 challenge,
 * `/api/v1/auth/challenge` and `/verify`) and asks `GET /api/v1/meters/{address}/delivery`.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { OPERATOR_TOKEN } from './deliveryRig.ts';

/** The answer of `GET /api/v1/meters/{address}/delivery` (docs/api.md). */
export interface MeterDeliveryAnswer {
  meter: string;
  recordsStored: number;
  contiguousSeq: number;
  lastSeq: number;
  heldFromSeq: number | null;
  openGaps: { fromSeq: number; toSeq: number; detectedAt: string }[];
  abandonedGaps: { fromSeq: number; toSeq: number; reason: string; recordedAt: string }[];
}

export interface OwnerDeliveryClient {
  ownerAddress: string;
  delivery(meter: string): Promise<MeterDeliveryAnswer>;
}

async function requestJson(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

const jsonPost = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  body: JSON.stringify(body),
});

/** Registers `meters` to a fresh owner key through the operator API and signs that owner in. */
export async function registerAndSignIn(httpUrl: string, meters: readonly string[], zone: string): Promise<OwnerDeliveryClient> {
  const owner = privateKeyToAccount(generatePrivateKey());
  for (const address of meters) await requestJson(`${httpUrl}/api/v1/meters`, jsonPost({ address, zone, ownerAddress: owner.address }, OPERATOR_TOKEN));
  const challenge = await requestJson(`${httpUrl}/api/v1/auth/challenge`, jsonPost({ address: owner.address }));
  const signature = await owner.signMessage({ message: String(challenge.message) });
  const session = await requestJson(`${httpUrl}/api/v1/auth/verify`, jsonPost({ message: challenge.message, signature }));
  const token = String(session.token);
  return {
    ownerAddress: owner.address,
    delivery: async (meter) => (await requestJson(`${httpUrl}/api/v1/meters/${meter}/delivery`, { headers: { authorization: `Bearer ${token}` } })) as unknown as MeterDeliveryAnswer,
  };
}

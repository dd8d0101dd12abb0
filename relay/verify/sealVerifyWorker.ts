/**
 * Worker thread body: checks batches of seal signatures (`verifySeal`, noble secp256k1 + SHA-256) off the
 * relay's event loop. Messages in: `{ id, seals }`; out: `{ id, failures }` with one entry per seal, `null` when
 * the signature is by the named meter.
 */
import { parentPort } from 'node:worker_threads';
import { ProtocolError } from '../../shared/protocol/protocolError.ts';
import type { SealRecord } from '../../shared/protocol/recordTypes.ts';
import { verifySeal } from '../../shared/protocol/sealSignature.ts';

export interface VerifyRequest {
  id: number;
  seals: SealRecord[];
}

export interface VerifyFailure {
  code: string;
  reason: string;
}

export interface VerifyResponse {
  id: number;
  failures: (VerifyFailure | null)[];
}

function checkOne(seal: SealRecord): VerifyFailure | null {
  try {
    verifySeal(seal);
    return null;
  } catch (error) {
    if (error instanceof ProtocolError) return { code: error.code, reason: error.message };
    return { code: 'bad_signature', reason: `signature check failed: ${(error as Error).message}` };
  }
}

parentPort?.on('message', (request: VerifyRequest) => {
  const response: VerifyResponse = { id: request.id, failures: request.seals.map(checkOne) };
  parentPort!.postMessage(response);
});

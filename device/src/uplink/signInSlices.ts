/**
 * Runs a signing job a slice per event-loop turn (`setTimeout(…, 0)`), so that sampling, the MQTT keep-alive and
 * incoming packets are served between slices: a secp256k1 signature takes seconds of interpreter time on an
 * ESP32 (DESIGN §9).
 */
import type { SigningJob } from './signingJob.ts';

/** Calls `onDone(signature)` or `onError(problem)` once; never throws. */
export function signInSlices(
  job: SigningJob,
  limbProductsPerSlice: number,
  onDone: (signature: Uint8Array) => void,
  onError: (problem: { code: string; message: string }) => void,
): void {
  function slice(): void {
    let isDone = false;
    try {
      isDone = job.step(limbProductsPerSlice);
    } catch (error) {
      const problem = error as any;
      onError({ code: problem && problem.code ? problem.code : 'signing_failed', message: problem && problem.message ? problem.message : String(error) });
      return;
    }
    if (isDone) onDone(job.result());
    else setTimeout(slice, 0);
  }
  setTimeout(slice, 0);
}

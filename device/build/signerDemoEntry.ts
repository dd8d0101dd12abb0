/**
 * Signer-only firmware entry (for measuring the signer alone on the interpreter): derives the meter's public key and signs a
 * digest with the resumable job, one slice per event-loop turn, printing the result and the interpreter's
 * variable usage. Build it with `buildFirmware("device/build/signerDemoEntry.ts")`.
 */
import { derivePublicKey } from '../src/crypto/derivePublicKey.ts';
import { nativeSha256 } from '../src/crypto/nativeSha256.ts';
import { createSigningJob } from '../src/crypto/signingJob.ts';

declare function print(a: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown): void;
declare const process: { memory(): { usage: number; total: number } };

const SLICE_LIMB_PRODUCTS = 4000;

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return out;
}

const demoKey = new Uint8Array(32);
demoKey[31] = 1;
const demoDigest = nativeSha256(new Uint8Array([0x70, 0x65, 0x74]));
print('public key', toHex(derivePublicKey(demoKey)));
const job = createSigningJob(demoKey, demoDigest, nativeSha256);
let turns = 0;
function turn(): void {
  turns++;
  if (job.step(SLICE_LIMB_PRODUCTS)) {
    print('signature', toHex(job.result()), 'turns', turns, 'vars used', process.memory().usage);
  } else {
    setTimeout(turn, 0);
  }
}
turn();

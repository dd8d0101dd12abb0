import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { buildSignerHarness, runHarnessOnEspruino, runHarnessOnV8, type HarnessRun } from './signerHarnessRunner.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Fixed keys and digests (deterministic, so a failure can be replayed): key i+1·0x0101…, digest SHA-256(i). */
const CASES: Array<[string, string]> = [];
for (let i = 0; i < 4; i++) {
  const key = new Uint8Array(32).fill(0x11 * (i + 1));
  CASES.push([hex(key), hex(sha256(new Uint8Array([i])))]);
}
CASES.push(['0000000000000000000000000000000000000000000000000000000000000001', hex(sha256(new TextEncoder().encode('Satoshi Nakamoto')))]);

function expectedRsv(keyHex: string, digestHex: string): string {
  const recovered = secp256k1.sign(Buffer.from(digestHex, 'hex'), Buffer.from(keyHex, 'hex'), { prehash: false, lowS: true, format: 'recovered' });
  return hex(recovered.subarray(1)) + (27 + recovered[0]!).toString(16);
}

function checkRun(run: HarnessRun): void {
  assert.is(run.cases.length, CASES.length);
  run.cases.forEach((result, i) => {
    assert.is(result.signatureHex, expectedRsv(CASES[i]![0], CASES[i]![1]), `case ${i}`);
    assert.ok(result.steps > 1, 'signed across several steps');
  });
}

test('the bundled signer (minified upload file) signs byte-identically to @noble/curves', async () => {
  const built = await buildSignerHarness();
  checkRun(runHarnessOnV8(built.uploadPath, CASES, 4000));
  const espruinoBin = process.env.ESPRUINO_BIN;
  if (espruinoBin) {
    checkRun(runHarnessOnEspruino(espruinoBin, built.uploadPath, CASES, 4000));
    console.log(`  espruino signer: ran on the Espruino interpreter (${espruinoBin}) and on V8`);
  } else {
    console.log('  espruino signer: ran on V8 only (set ESPRUINO_BIN to a Linux Espruino build to run it on the interpreter)');
  }
});

test.run();

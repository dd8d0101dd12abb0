import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { derivePublicKey } from './derivePublicKey.ts';
import { limbProductCounter } from './limbProductCounter.ts';
import { signDigest } from './signDigest.ts';
import { createSigningJob } from './signingJob.ts';
import type { SignerError } from './signerError.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/** noble's 'recovered' layout is recoveryBit ‖ r ‖ s; ours (ecrecover's) is r ‖ s ‖ (27 + recoveryBit). */
function nobleAsRsv(digest: Uint8Array, key: Uint8Array): Uint8Array {
  const recovered = secp256k1.sign(digest, key, { prehash: false, lowS: true, format: 'recovered' });
  const out = new Uint8Array(65);
  out.set(recovered.subarray(1, 65), 0);
  out[64] = 27 + recovered[0]!;
  return out;
}

function randomKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey();
}

test('1 000 random keys and digests: byte-identical to @noble/curves (r ‖ s ‖ v)', () => {
  for (let i = 0; i < 1000; i++) {
    const key = randomKey();
    const digest = new Uint8Array(randomBytes(32));
    assert.is(hex(signDigest(key, digest, sha256)), hex(nobleAsRsv(digest, key)), `key ${hex(key)} digest ${hex(digest)}`);
  }
});

/**
 * RFC 6979 secp256k1 vectors used by noble's own suite: the "valid" list of `test/vectors/ecdsa.json` in
 * paulmillr/noble-secp256k1 (noble-curves loads the same file as `test/vectors/secp256k1/ecdsa.json` in
 * `test/secp256k1.test.ts`, "sign() RFC 6979 and DER vectors"); d = 1 and d = n − 1, digests 0, 2^256 − 1 and
 * n. Signatures are compact r ‖ s, low-S.
 */
const NOBLE_RFC6979_VECTORS: Array<[d: string, m: string, rs: string]> = [
  ['0000000000000000000000000000000000000000000000000000000000000001', '06ef2b193b83b3d701f765f1db34672ab84897e1252343cc2197829af3a30456', '33a69cd2065432a30f3d1ce4eb0d59b8ab58c74f27c41a7fdb5696ad4e6108c96f807982866f785d3f6418d24163ddae117b7db4d5fdf0071de069fa54342262'],
  ['fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140', '5e9f0a0d593efdcf78ac923bc3313e4e7d408d574354ee2b3288c0da9fbba6ed', '54c4a33c6423d689378f160a7ff8b61330444abb58fb470f96ea16d99d4a2fed07082304410efa6b2943111b6a4e0aaa7b7db55a07e9861d1fb3cb1f421044a5'],
  ['fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140', '4d642665c81dd2d6fc3d386ee018043e1f38c5def0a9925febd766f5b15fdb8d', 'ff466a9f1b7b273e2f4c3ffe032eb2e814121ed18ef84665d0f515360dab3dd06fc95f5132e5ecfdc8e5e6e616cc77151455d46ed48f5589b7db7771a332b283'],
  ['0000000000000000000000000000000000000000000000000000000000000001', 'd507058c2f1472fe0de2ba3b4efe629505677440ab3a7032a9adeaf0ebda74a2', 'c0dafec8251f1d5010289d210232220b03202cba34ec11fec58b3e93a85b91d375afdc06b7d6322a590955bf264e7aaa155847f614d80078a90292fe205064d3'],
  ['69ec59eaa1f4f2e36b639716b7c30ca86d9a5375c7b38d8918bd9c0ebc80ba64', '24833a5c2c927c9876d7a77e400577057598e0d7b0c96587ee8a37ea5381bede', '7186363571d65e084e7f02b0b77c3ec44fb1b257dee26274c38c928986fea45d0de0b38e06807e46bda1f1e293f4f6323e854c86d58abdd00c46c16441085df6'],
  ['00000000000000000000000000007246174ab1e92e9149c6e446fe194d072637', '1eb6e69ca54e38a9b30d4e80b7f69f9dbb10f81579e635dc49557fc16f21e911', 'fbfe5076a15860ba8ed00e75e9bd22e05d230f02a936b653eb55b61c99dda4870e68880ebb0050fe4312b1b1eb0899e1b82da89baa5b895f612619edf34cbd37'],
  ['000000000000000000000000000000000000000000056916d0f9b31dc9b637f3', '179fd85cbe8797f314f07f732438db0682da502c7a9aa9da87af39cf126aaeb3', 'cde1302d83f8dd835d89aef803c74a119f561fbaef3eb9129e45f30de86abbf906ce643f5049ee1f27890467b77a6a8e11ec4661cc38cd8badf90115fbd03cef'],
  ['9c7fc36bc106fd7df5e1078d03e34b9a045892abdd053ec69bfeb22327529f6c', '06ef2b193b83b3d701f765f1db34672ab84897e1252343cc2197829af3a30456', 'b4abe4ecdf93a1b8b22958fd70bdb10ef0c05e391fb58ef2b67c8fe38dcf887566eea005e0e32292b0a70280afc20d8341109bce79df004529bcc8598af701c6'],
  ['85a7464e3d385e445d05a6653686d6e0494f5a040403e33cdfb298f0dfc81b13', '5e9f0a0d593efdcf78ac923bc3313e4e7d408d574354ee2b3288c0da9fbba6ed', '539825cf9532fc9ba16e6f71ea0140768621ce908a7a88b6fa2184db14802f81477eb2480cc732370041af5de20818c478e6d0768093d9c12582eb548c1ec7a4'],
  ['52f9dd5e40e93ac097c7550b1d812cac8cac1dab5d8d471e10952da763ed4edb', '4d642665c81dd2d6fc3d386ee018043e1f38c5def0a9925febd766f5b15fdb8d', 'f3caed96084874665027847dc5b1f34d8acb375305580be42cf88da3810cd9a040ae93fd80d61b08e9c6dd3a2012ede80b619e92b676aa72f85ccd4156896589'],
  ['aba9ad83795cb662a4ec3214b780c4dbdf8a32f4b3b4967f00257ae81a18f2d9', 'd507058c2f1472fe0de2ba3b4efe629505677440ab3a7032a9adeaf0ebda74a2', '3121742c83f31bdacf06ab29a4f016365240d98069e9ce8c53dea3caba5694cf42f2af2979209725fb690d9a8d1aedd8808409697da4bbf58c847b6836641c3f'],
  ['ab51604553e2a35df7e0fd32169a5a3e5dfa1bdf2455667a15aa3eb8696a3d16', '24833a5c2c927c9876d7a77e400577057598e0d7b0c96587ee8a37ea5381bede', '06a02f42890eabc89401448debc5525b98f3cafe9f800d34179f1108cdcfcaec225c46d5280244429866d50446b4664c19f72a5f25ccad982fc54b9500a03c3e'],
  ['fab0b9902eb61423df7aea8e532fe409f014dca8b55da1e13d283d3dd58d84c3', '1eb6e69ca54e38a9b30d4e80b7f69f9dbb10f81579e635dc49557fc16f21e911', '23fac8b0b25d73c588da91d848d7ecdde1873e140f953db44556f9b83ff25c16635f39f10fff1dd15b4b958de19e1539e344d7861379d5beee98fb00fb5d1012'],
  ['3c1384240303d12646b8b7c550524a3bb55c44bd620d379acda1149ebf3b9d4c', '179fd85cbe8797f314f07f732438db0682da502c7a9aa9da87af39cf126aaeb3', 'beea15563a85842ca72fa8e5fe4a63739f40849aff294d0f1061b1bf28f85cc826e81a26dc398a0619651983f1c9ada2dc93de348dafeba40c27fa4c007d2b8b'],
  ['0000000000000000000000000000000000000000000000000000000000000001', '0000000000000000000000000000000000000000000000000000000000000000', 'a0b37f8fba683cc68f6574cd43b39f0343a50008bf6ccea9d13231d9e7e2e1e411edc8d307254296264aebfc3dc76cd8b668373a072fd64665b50000e9fcce52'],
  ['0000000000000000000000000000000000000000000000000000000000000001', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '7cb38cc5712e9e11a767615f6080dbc111c9cdd613eb98999fd92a86bafd45407923ca1f4d03471d2866f776ef8a6d3cac099b427331aeb245aa9dafeddcf115'],
  ['fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140', '0000000000000000000000000000000000000000000000000000000000000000', '919026f3e239ea52cf530eb6d345dc2b56ef0928f1e9ad20d8f360284dc6504814395e7137e2204f15b69239010f3c34fbb3c858a29b0d106b1fa65bc0047263'],
  ['fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', 'a7f83b5963eaf5332c633327cc967be8f4166d3f1e0b77f9761d8f4e42211e9a58aae31be1eb1e496923bbe8ca5e843cfb89f4d986d61d4edfd7d6fc3c9cf62c'],
  ['fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140', 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', '919026f3e239ea52cf530eb6d345dc2b56ef0928f1e9ad20d8f360284dc6504814395e7137e2204f15b69239010f3c34fbb3c858a29b0d106b1fa65bc0047263'],
  ['2bdbaeb8139ae47b603c684269f765a088397adbe65c017dfc6d19819b44041d', '3574cabd6d7c35e2657d7736e5971d99b12f506a81772097b3ed18b893b2624c', '2fc0aa6e71246a10252e542ee365b793c7c53f634007937efb0bde8d77c802b07707ee733223f98a19044b24e4471e498b288d98f9413e5eddff2248438e62af'],
];

test('RFC 6979 vectors from noble test suite: r ‖ s match, v recovers the key', () => {
  for (const [d, m, rs] of NOBLE_RFC6979_VECTORS) {
    const key = fromHex(d);
    const digest = fromHex(m);
    const signature = signDigest(key, digest, sha256);
    assert.is(hex(signature.subarray(0, 64)), rs, `d=${d} m=${m}`);
    const recovered = new Uint8Array(65);
    recovered[0] = signature[64]! - 27;
    recovered.set(signature.subarray(0, 64), 1);
    assert.is(hex(secp256k1.recoverPublicKey(recovered, digest, { prehash: false })), hex(secp256k1.getPublicKey(key)));
  }
});

test('"Satoshi Nakamoto" with private key 1 (trezor-crypto / python-ecdsa RFC 6979 vector)', () => {
  // Vector: private key 1, message SHA-256("Satoshi Nakamoto"); r and s as published in trezor-crypto's
  // tests/test_check.c (test_rfc6979 / test_sign_speed cases) and python-ecdsa's RFC 6979 secp256k1 tests.
  const key = fromHex('0000000000000000000000000000000000000000000000000000000000000001');
  const digest = sha256(new TextEncoder().encode('Satoshi Nakamoto'));
  const signature = signDigest(key, digest, sha256);
  assert.is(
    hex(signature.subarray(0, 64)),
    '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8' +
      '2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5',
  );
});

test('recovery with noble gives the signer public key; derivePublicKey matches noble', () => {
  for (let i = 0; i < 50; i++) {
    const key = randomKey();
    const digest = new Uint8Array(randomBytes(32));
    const signature = signDigest(key, digest, sha256);
    assert.ok(signature[64] === 27 || signature[64] === 28);
    const recovered = new Uint8Array(65);
    recovered[0] = signature[64]! - 27;
    recovered.set(signature.subarray(0, 64), 1);
    const publicKey = secp256k1.recoverPublicKey(recovered, digest, { prehash: false });
    assert.is(hex(publicKey), hex(secp256k1.getPublicKey(key)));
    assert.is(hex(derivePublicKey(key)), hex(secp256k1.getPublicKey(key, false)));
  }
});

test('stepwise job gives the same bytes as the one-shot call, for several slice budgets', () => {
  for (const budget of [1, 500, 4000, 25000]) {
    for (let i = 0; i < 5; i++) {
      const key = randomKey();
      const digest = new Uint8Array(randomBytes(32));
      const job = createSigningJob(key, digest, sha256);
      let turns = 0;
      let largestSlice = 0;
      let done = false;
      while (!done) {
        const before = limbProductCounter.products;
        done = job.step(budget);
        largestSlice = Math.max(largestSlice, limbProductCounter.products - before);
        turns++;
      }
      assert.ok(job.isDone());
      assert.is(hex(job.result()), hex(signDigest(key, digest, sha256)));
      // One slice past the budget at most: the affine conversion with r · d is the largest slice (< 1 000).
      assert.ok(largestSlice < budget + 1000, `largest slice ${largestSlice} for budget ${budget}`);
      assert.ok(turns > 1);
    }
  }
});

test('a signature stays within the 200 000 limb-product budget', () => {
  for (let i = 0; i < 20; i++) {
    const before = limbProductCounter.products;
    signDigest(randomKey(), new Uint8Array(randomBytes(32)), sha256);
    const used = limbProductCounter.products - before;
    assert.ok(used <= 200000, `used ${used}`);
  }
});

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as SignerError).code;
  }
  return 'no error';
}

test('bad input: specific codes for wrong key or digest, unfinished job', () => {
  const digest = new Uint8Array(32);
  assert.is(codeOf(() => signDigest(new Uint8Array(31), digest, sha256)), 'bad_private_key');
  assert.is(codeOf(() => signDigest(new Uint8Array(32), digest, sha256)), 'bad_private_key');
  assert.is(codeOf(() => signDigest(fromHex('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141'), digest, sha256)), 'bad_private_key');
  assert.is(codeOf(() => signDigest(randomKey(), new Uint8Array(33), sha256)), 'bad_digest');
  assert.is(codeOf(() => createSigningJob(randomKey(), digest, sha256).result()), 'not_finished');
  assert.is(codeOf(() => derivePublicKey(new Uint8Array(32))), 'bad_private_key');
});

test.run();

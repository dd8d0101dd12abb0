import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hashTypedData, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { cancelOrderTypedData, listingDomain, placeOrderTypedData, type ListingOrder } from '../../shared/market/listingTypedData.ts';
import { SignedOrderError } from './signedOrderError.ts';
import { normalizeSignature, verifySignedCancelOrder, verifySignedPlaceOrder, type SignedPlaceOrder } from './verifySignedOrder.ts';

/** Well-known anvil development keys: never hold value. */
const owner = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const stranger = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const domain = listingDomain(31337, '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512');
const NOW_S = 1_800_000_000;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const order: ListingOrder = { owner: owner.address, zone: 0x1234n, side: 0, maxWhPerInterval: 500, limitPricePerKWh: 120_000n, validFromS: 0, validUntilS: NOW_S + 86_400 };

async function signed(overrides: Partial<SignedPlaceOrder> = {}, signer = owner, signedDomain = domain): Promise<SignedPlaceOrder> {
  const base = { order, nonce: 0n, deadlineS: BigInt(NOW_S + 3_600), ...overrides };
  return { ...base, signature: overrides.signature ?? (await signer.signTypedData(placeOrderTypedData(signedDomain, base.order, base.nonce, base.deadlineS))) };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, SignedOrderError);
    return (error as SignedOrderError).code;
  }
  throw new assert.Assertion({ message: 'expected a refusal', generated: true, operator: 'throws', expects: 'refusal', actual: 'accepted' });
}

test('the owner’s signature passes; the digest is the EIP-712 digest of the order', async () => {
  const posted = await signed();
  const verified = await verifySignedPlaceOrder(domain, posted, NOW_S);
  assert.is(verified.digest, hashTypedData(placeOrderTypedData(domain, order, 0n, posted.deadlineS)));
  assert.is(verified.signature, posted.signature.toLowerCase());
});

test('a forged signature (well-formed bytes from nobody’s key over this order) is refused as wrong_signer', async () => {
  const real = (await signed()).signature;
  // Same r, another (low) s: recovers to some key, not the owner's.
  const forged = (real.slice(0, 66) + (123456789n).toString(16).padStart(64, '0') + real.slice(130)) as Hex;
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ signature: forged }), NOW_S)), 'wrong_signer');
});

test('an order signed by another key than its owner is refused as wrong_signer', async () => {
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({}, stranger), NOW_S)), 'wrong_signer');
});

test('a signature over another chain id, another contract, or other fields is refused as wrong_signer', async () => {
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({}, owner, listingDomain(1, domain.verifyingContract)), NOW_S)), 'wrong_signer');
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({}, owner, listingDomain(31337, '0x' + '9'.repeat(40) as Hex)), NOW_S)), 'wrong_signer');
  const posted = await signed();
  assert.is(await refusal(verifySignedPlaceOrder(domain, { ...posted, order: { ...order, limitPricePerKWh: 1n } }, NOW_S)), 'wrong_signer', 'price changed after signing');
  assert.is(await refusal(verifySignedPlaceOrder(domain, { ...posted, nonce: 1n }, NOW_S)), 'wrong_signer', 'nonce changed after signing');
});

test('a passed deadline is refused as signature_expired, after the signature check', async () => {
  const posted = await signed({ deadlineS: BigInt(NOW_S) });
  assert.is(await refusal(verifySignedPlaceOrder(domain, posted, NOW_S)), 'signature_expired', 'deadline = now is over');
  assert.ok(await verifySignedPlaceOrder(domain, posted, NOW_S - 1), 'a second before, it passes');
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ deadlineS: BigInt(NOW_S - 10) }, stranger), NOW_S)), 'wrong_signer', 'a forged and expired order is refused as forged');
});

test('a window that ended or is empty is window_invalid; zero Wh is quantity_zero', async () => {
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ order: { ...order, validUntilS: NOW_S } }), NOW_S)), 'window_invalid');
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ order: { ...order, validFromS: NOW_S + 10, validUntilS: NOW_S + 10 } }), NOW_S)), 'window_invalid');
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ order: { ...order, maxWhPerInterval: 0 } }), NOW_S)), 'quantity_zero');
});

test('signatures the contract’s ECDSA.recover refuses are malformed_signature: wrong length, high s, bad v, zero r', async () => {
  const real = (await signed()).signature;
  const s = BigInt('0x' + real.slice(66, 130));
  const v = Number.parseInt(real.slice(130), 16);
  const highS = (real.slice(0, 66) + (N - s).toString(16).padStart(64, '0') + (v === 27 ? '1c' : '1b')) as Hex;
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ signature: real.slice(0, 130) as Hex }), NOW_S)), 'malformed_signature');
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ signature: highS }), NOW_S)), 'malformed_signature');
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ signature: (real.slice(0, 130) + '1d') as Hex }), NOW_S)), 'malformed_signature');
  assert.is(await refusal(verifySignedPlaceOrder(domain, await signed({ signature: ('0x' + '0'.repeat(64) + real.slice(66)) as Hex }), NOW_S)), 'malformed_signature');
});

test('a wallet’s v of 0 / 1 is taken and stored as 27 / 28', async () => {
  const real = (await signed()).signature;
  const v = Number.parseInt(real.slice(130), 16);
  const yParity = (real.slice(0, 130) + (v - 27).toString(16).padStart(2, '0')) as Hex;
  assert.is(normalizeSignature(yParity), real.toLowerCase());
  assert.ok(await verifySignedPlaceOrder(domain, await signed({ signature: yParity }), NOW_S));
});

test('a cancel signed by the owner passes; by another key it is wrong_signer; past its deadline signature_expired', async () => {
  const deadlineS = BigInt(NOW_S + 60);
  const typed = cancelOrderTypedData(domain, owner.address, 4n, 2n, deadlineS);
  const good = { owner: owner.address, orderId: 4n, nonce: 2n, deadlineS, signature: await owner.signTypedData(typed) };
  assert.is((await verifySignedCancelOrder(domain, good, NOW_S)).digest, hashTypedData(typed));
  assert.is(await refusal(verifySignedCancelOrder(domain, { ...good, signature: await stranger.signTypedData(typed) }, NOW_S)), 'wrong_signer');
  assert.is(await refusal(verifySignedCancelOrder(domain, { ...good, orderId: 5n }, NOW_S)), 'wrong_signer', 'another order id');
  assert.is(await refusal(verifySignedCancelOrder(domain, good, NOW_S + 60)), 'signature_expired');
});

test.run();

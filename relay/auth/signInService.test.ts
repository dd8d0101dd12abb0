import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { privateKeyToAccount } from 'viem/accounts';
import { parseSiweMessage } from 'viem/siwe';
import { AuthError } from './authError.ts';
import { SignInService } from './signInService.ts';

const owner = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const stranger = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');

function makeService(clock: { nowMs: number }, maxPendingChallenges = 100) {
  return new SignInService({
    domain: 'relay.example.org',
    uri: 'https://relay.example.org',
    chainId: 31337,
    challengeTtlMs: 300_000,
    sessionTtlMs: 3_600_000,
    sessionSecret: new Uint8Array(32).fill(7),
    maxPendingChallenges,
    now: () => clock.nowMs,
  });
}

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, AuthError);
    assert.is((error as AuthError).code, code);
    return;
  }
  assert.unreachable(`expected AuthError ${code}`);
}

test('challenge is an EIP-4361 message with every required field', () => {
  const clock = { nowMs: Date.parse('2026-01-01T00:00:00Z') };
  const { message, nonce } = makeService(clock).challenge(owner.address.toLowerCase());
  const fields = parseSiweMessage(message);
  assert.is(fields.domain, 'relay.example.org');
  assert.is(fields.address, owner.address); // EIP-55 checksum form
  assert.is(fields.uri, 'https://relay.example.org');
  assert.is(fields.version, '1');
  assert.is(fields.chainId, 31337);
  assert.is(fields.nonce, nonce);
  assert.ok(/^[0-9a-f]{24}$/.test(nonce));
  assert.is(fields.issuedAt?.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.is(fields.expirationTime?.toISOString(), '2026-01-01T00:05:00.000Z');
  assert.ok(fields.statement !== undefined && fields.statement.length > 0);
});

test('a signed challenge yields a token for the signer; the same pair is refused the second time', async () => {
  const clock = { nowMs: Date.now() };
  const service = makeService(clock);
  const { message } = service.challenge(owner.address);
  const signature = await owner.signMessage({ message });
  const signedIn = await service.complete(message, signature);
  assert.is(signedIn.address, owner.address.toLowerCase());
  assert.is(service.authenticate(signedIn.token).address, owner.address.toLowerCase());
  await rejects(service.complete(message, signature), 'unknown_nonce');
});

test('an expired challenge is refused', async () => {
  const clock = { nowMs: Date.now() };
  const service = makeService(clock);
  const { message } = service.challenge(owner.address);
  const signature = await owner.signMessage({ message });
  clock.nowMs += 300_000;
  await rejects(service.complete(message, signature), 'expired_challenge');
});

test('a signature by someone else, or a changed message, is refused', async () => {
  const service = makeService({ nowMs: Date.now() });
  const { message } = service.challenge(owner.address);
  await rejects(service.complete(message, await stranger.signMessage({ message })), 'bad_signature');
  const altered = message.replace('Chain ID: 31337', 'Chain ID: 1');
  await rejects(service.complete(altered, await owner.signMessage({ message: altered })), 'bad_message');
  await rejects(service.complete(message, '0x1234'), 'bad_signature');
  await rejects(service.complete('hello', '0x' + '00'.repeat(65)), 'bad_message');
});

test('a message with a nonce this relay never issued is refused', async () => {
  const service = makeService({ nowMs: Date.now() });
  const { message, nonce } = service.challenge(owner.address);
  const forged = message.replace(nonce, 'abcdefabcdefabcdefabcdef');
  await rejects(service.complete(forged, await owner.signMessage({ message: forged })), 'unknown_nonce');
});

test('pending challenges stay bounded: the oldest is pushed out', async () => {
  const service = makeService({ nowMs: Date.now() }, 2);
  const first = service.challenge(owner.address);
  service.challenge(owner.address);
  service.challenge(owner.address);
  await rejects(service.complete(first.message, await owner.signMessage({ message: first.message })), 'unknown_nonce');
});

test('tokens: forged, expired and malformed ones are refused', async () => {
  const clock = { nowMs: Date.now() };
  const service = makeService(clock);
  const { message } = service.challenge(owner.address);
  const { token } = await service.complete(message, await owner.signMessage({ message }));
  const [prefix, payload, mac] = token.split('.');
  const otherPayload = Buffer.from(JSON.stringify({ a: stranger.address.toLowerCase(), e: clock.nowMs + 1e9 })).toString('base64url');
  for (const [bad, code] of [
    [`${prefix}.${otherPayload}.${mac}`, 'bad_token'],
    [`${prefix}.${payload}`, 'bad_token'],
    ['nonsense', 'bad_token'],
  ] as const) {
    try {
      service.authenticate(bad);
      assert.unreachable('accepted a bad token');
    } catch (error) {
      assert.is((error as AuthError).code, code);
    }
  }
  clock.nowMs += 3_600_000;
  assert.throws(() => service.authenticate(token), (error: AuthError) => error.code === 'expired_token');
});

test.run();

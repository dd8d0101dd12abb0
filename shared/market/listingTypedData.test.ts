import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hashTypedData, keccak256, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { cancelOrderTypedData, cancelOrderTypes, listingDomain, placeOrderTypedData, placeOrderTypes, typedDataV4Json, type ListingOrder } from './listingTypedData.ts';

const source = readFileSync(new URL('../../contracts/src/EnergyListing.sol', import.meta.url), 'utf8');
/** The type string inside `keccak256("…")` that the contract hashes for `name`. */
const contractTypeString = (name: string) => new RegExp(`keccak256\\(\\s*"(${name}\\([^"]*\\))"`).exec(source)?.[1];
const encodeType = (name: string, fields: readonly { name: string; type: string }[]) => `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;

test('PlaceOrder and CancelOrder encode to the type strings EnergyListing.sol hashes into ORDER_TYPEHASH and CANCEL_TYPEHASH', () => {
  assert.is(encodeType('PlaceOrder', placeOrderTypes.PlaceOrder), contractTypeString('PlaceOrder'));
  assert.is(encodeType('CancelOrder', cancelOrderTypes.CancelOrder), contractTypeString('CancelOrder'));
  assert.match(source, /EIP712\("PeerEnergyListing", "1"\)/, 'the domain name and version of the contract');
});

const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const listing = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const order: ListingOrder = { owner: account.address, zone: 0xfedcba9876543210n, side: 0, maxWhPerInterval: 500, limitPricePerKWh: 120_000n, validFromS: 0, validUntilS: 4_000_000_000 };

test('the v4 JSON a wallet signs hashes to the same digest as the typed data (EIP712Domain listed, big integers as decimal strings)', () => {
  const typed = placeOrderTypedData(listingDomain(31337, listing), order, 7n, 1_900_000_000n);
  const json = JSON.parse(typedDataV4Json(typed)) as { types: Record<string, unknown>; message: Record<string, unknown>; primaryType: string; domain: unknown };
  assert.equal(Object.keys(json.types), ['EIP712Domain', 'PlaceOrder']);
  assert.is(json.message.zone, '18364758544493064720');
  assert.is(json.message.nonce, '7');
  const { EIP712Domain: _domainType, ...types } = json.types;
  assert.is(hashTypedData({ domain: json.domain, types, primaryType: json.primaryType, message: json.message } as unknown as Parameters<typeof hashTypedData>[0]), hashTypedData(typed));
});

test('digests differ by chain id, contract and every signed field', async () => {
  const base = hashTypedData(placeOrderTypedData(listingDomain(31337, listing), order, 0n, 1n));
  const variants = [
    placeOrderTypedData(listingDomain(1, listing), order, 0n, 1n),
    placeOrderTypedData(listingDomain(31337, '0x' + '1'.repeat(40) as `0x${string}`), order, 0n, 1n),
    placeOrderTypedData(listingDomain(31337, listing), { ...order, side: 1 }, 0n, 1n),
    placeOrderTypedData(listingDomain(31337, listing), { ...order, limitPricePerKWh: 120_001n }, 0n, 1n),
    placeOrderTypedData(listingDomain(31337, listing), order, 1n, 1n),
    placeOrderTypedData(listingDomain(31337, listing), order, 0n, 2n),
  ];
  for (const variant of variants) assert.is.not(hashTypedData(variant), base);
  const cancel = cancelOrderTypedData(listingDomain(31337, listing), account.address, 3n, 0n, 1n);
  assert.is(keccak256(toHex(encodeType('CancelOrder', cancel.types.CancelOrder))), keccak256(toHex(contractTypeString('CancelOrder')!)));
  assert.ok(await account.signTypedData(cancel));
});

test.run();

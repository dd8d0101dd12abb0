import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';
import { encodeSellerEntry } from '../../contracts/deploy/settlementCalldata.ts';
import { deriveMeterKey } from '../../device/sim/meterKeys.ts';
import { bytesToHex } from '../../shared/protocol/hex.ts';
import { decodeTrades, encodeSellers, encodeTrades, SELLER_ENTRY_BYTES, TRADE_ENTRY_BYTES } from './encodeSettlementCalldata.ts';

test('seller entries are byte for byte what the contracts module encodes (seller ‖ seal bytes ‖ r ‖ s ‖ v)', () => {
  const key = deriveMeterKey('calldata-test', 0);
  const seal = signSeal({ v: 1, kind: 'seal', meter: key.address, seq: 7, prev: ZERO_DIGEST_HEX, startS: 1800, endS: 2700, importStartWh: 10, importEndWh: 20, exportStartWh: 30, exportEndWh: 500, sampleCount: 90 }, key.privateKey);
  const seller = '0x' + '5'.repeat(40);
  const ours = encodeSellers([{ seller, seal }]);
  assert.is((ours.length - 2) / 2, SELLER_ENTRY_BYTES);
  assert.is(ours, bytesToHex(encodeSellerEntry({ seller, seal })));
});

test('trades pack to 26 bytes each and decode back; out-of-range values are refused', () => {
  const entries = [
    { buyer: '0x' + 'a'.repeat(40), sellerIndex: 0, energyWh: 1, buyerClimb: 0 },
    { buyer: '0x' + 'b'.repeat(40), sellerIndex: 16_383, energyWh: 0xffffffff, buyerClimb: 3 },
  ];
  const packed = encodeTrades(entries);
  assert.is((packed.length - 2) / 2, 2 * TRADE_ENTRY_BYTES);
  assert.equal(decodeTrades(packed), entries);
  // The u16 after the buyer: climb in the top 2 bits, seller index below (3 << 14 | 16 383 = 0xffff).
  assert.is(packed.slice(2 + 2 * (TRADE_ENTRY_BYTES + 20), 2 + 2 * (TRADE_ENTRY_BYTES + 22)), 'ffff');
  assert.throws(() => encodeTrades([{ ...entries[0]!, energyWh: 0 }]), /energyWh/);
  assert.throws(() => encodeTrades([{ ...entries[0]!, sellerIndex: 16_384 }]), /sellerIndex/);
  assert.throws(() => encodeTrades([{ ...entries[0]!, buyerClimb: 4 }]), /buyerClimb/);
});

test.run();

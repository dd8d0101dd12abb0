import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isHexDigits, isLowerHexAddress } from './hexDigits.ts';

test('addresses: lower-case 0x and 40 digits only', () => {
  assert.ok(isLowerHexAddress('0x3a7f85ebe09d26b6effb15432e5610b007e3b3bd'));
  assert.not.ok(isLowerHexAddress('0x3A7F85EBE09D26B6EFFB15432E5610B007E3B3BD'));
  assert.not.ok(isLowerHexAddress('3a7f85ebe09d26b6effb15432e5610b007e3b3bd00'));
  assert.not.ok(isLowerHexAddress('0x3a7f85ebe09d26b6effb15432e5610b007e3b3b'));
  assert.not.ok(isLowerHexAddress('0x3a7f85ebe09d26b6effb15432e5610b007e3b3bg'));
});

test('digit runs: length and case', () => {
  assert.ok(isHexDigits('ab09', 4, false));
  assert.not.ok(isHexDigits('AB09', 4, false));
  assert.ok(isHexDigits('AB09', 4, true));
  assert.not.ok(isHexDigits('ab0', 4, true));
  assert.not.ok(isHexDigits('ab0/', 4, true));
});

test.run();

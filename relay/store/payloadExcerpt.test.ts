import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PAYLOAD_EXCERPT_MAX_CHARS, payloadExcerpt, safeText } from './payloadExcerpt.ts';

test('control characters, NUL, escape sequences and backslashes are escaped', () => {
  assert.is(payloadExcerpt(new Uint8Array([0x41, 0x00, 0x1b, 0x5b, 0x5c, 0x7f])), 'A\\u0000\\u001b[\\u005c\\u007f');
});

test('invalid UTF-8 becomes the replacement character and lone surrogates are escaped', () => {
  assert.is(payloadExcerpt(new Uint8Array([0xff, 0x41])), '\ufffdA');
  assert.is(safeText('a\ud800b', 10), 'a\\ud800b');
  assert.is(safeText('😀', 10), '😀');
});

test('the excerpt is bounded and never ends inside a surrogate pair', () => {
  assert.is(payloadExcerpt('x'.repeat(10_000)).length, PAYLOAD_EXCERPT_MAX_CHARS);
  const cut = safeText('a' + '😀'.repeat(10), 4);
  assert.is(cut, 'a😀');
  assert.is(payloadExcerpt('\u0000'.repeat(1000)).length <= PAYLOAD_EXCERPT_MAX_CHARS, true);
});

test.run();

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError, type ProtocolErrorCode } from './protocolError.ts';
import { encodeAckCommand, encodeResendCommand } from './meterCommands.ts';
import { meterTopic } from './topics.ts';
import { loadProtocolVectors } from './vectorFile.ts';

const documentText = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
const compactDocument = documentText.replace(/\s+/g, '');

test('the worked example in docs/protocol.md is the vector it names', () => {
  const vector = loadProtocolVectors().find((v) => v.name === 'chain: seal over the two samples')!;
  assert.ok(compactDocument.includes(vector.privateKey));
  assert.ok(compactDocument.includes(vector.address));
  assert.ok(compactDocument.includes(vector.digest));
  assert.ok(compactDocument.includes(vector.canonicalBytes.slice(2)), 'canonical bytes as printed');
  assert.ok(compactDocument.includes(vector.signature!.slice(2)), 'signature as printed');
});

test('docs/protocol.md lists every rejection code the codec can raise', () => {
  const source = readFileSync(new URL('./protocolError.ts', import.meta.url), 'utf8');
  const codes = [...source.matchAll(/\| '([a-z_]+)'/g)].map((match) => match[1] as ProtocolErrorCode);
  assert.ok(codes.length >= 19);
  for (const code of codes) {
    assert.ok(documentText.includes('`' + code + '`'), `code ${code} missing from docs/protocol.md`);
    assert.is(new ProtocolError(code, 'x').code, code);
  }
});

test('the ack and resend examples in docs/protocol.md are what the relay encodes for the worked example', () => {
  const vector = loadProtocolVectors().find((v) => v.name === 'chain: seal over the two samples')!;
  assert.ok(documentText.includes(meterTopic(vector.address, 'cmd')), 'the command topic of the example meter');
  assert.ok(documentText.includes(encodeAckCommand(2, vector.digest)), 'ack for seq 2 with the seal digest');
  assert.ok(documentText.includes(encodeResendCommand(1)), 'resend from seq 1');
});

test.run();

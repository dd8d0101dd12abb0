import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseClientCommand } from './clientCommand.ts';

test('reads subscribe, unsubscribe and auth; meter channels are lower-cased', () => {
  assert.equal(parseClientCommand('{"op":"subscribe","channel":"zone:feeder-7"}'), { op: 'subscribe', channel: 'zone:feeder-7', token: undefined });
  assert.equal(parseClientCommand(`{"op":"subscribe","channel":"meter:0x${'AB'.repeat(20)}","token":"t"}`), { op: 'subscribe', channel: `meter:0x${'ab'.repeat(20)}`, token: 't' });
  assert.equal(parseClientCommand('{"op":"unsubscribe","channel":"market:feeder-7"}'), { op: 'unsubscribe', channel: 'market:feeder-7' });
  assert.equal(parseClientCommand('{"op":"auth","token":"pet1.x.y"}'), { op: 'auth', token: 'pet1.x.y' });
});

test('refuses bad frames with specific codes', () => {
  const cases: Array<[string, string]> = [
    ['{', 'bad_message'],
    ['[1]', 'bad_message'],
    ['"subscribe"', 'bad_message'],
    ['{"op":"subscribe","channel":"zone:a","extra":1}', 'bad_message'],
    ['{"op":"publish","channel":"zone:a"}', 'bad_message'],
    ['{"op":"auth"}', 'bad_message'],
    ['{"op":"auth","token":""}', 'bad_message'],
    ['{"op":"subscribe","channel":"meter:0x12"}', 'unknown_channel'],
    ['{"op":"subscribe","channel":"zone:"}', 'unknown_channel'],
    ['{"op":"subscribe","channel":"zone:a b"}', 'unknown_channel'],
    ['{"op":"subscribe"}', 'unknown_channel'],
  ];
  for (const [text, code] of cases) {
    const result = parseClientCommand(text);
    assert.ok(!('op' in result), `${text} was accepted`);
    assert.is((result as { code: string }).code, code, text);
  }
});

test.run();

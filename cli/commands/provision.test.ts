import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from './provision.ts';

test('--dry-run prints the address of the key and a snippet that writes pet.key and pet.cfg', async () => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'pet-prov-')), 'meter.key');
  writeFileSync(keyFile, 'f53f2892a419fac696b714c90665590e187d82d629f57a04daa7596dfaa32da3\n');
  let output = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((output += chunk), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await run(['--key-file', keyFile, '--broker', 'mqtt://10.0.0.2:1883', '--wifi-ssid', 'home', '--dry-run']);
  } finally {
    process.stdout.write = write;
  }
  assert.is(code, 0);
  assert.match(output, 'meter address 0x7e99cb369c7f35e143ff2c406008b2f4eb780af2');
  assert.match(output, 's.write("pet.key", "f53f2892a419fac696b714c90665590e187d82d629f57a04daa7596dfaa32da3");');
  assert.match(output, '\\"host\\":\\"10.0.0.2\\"');
});

test.run();

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

test('calibration and broker credentials given on the command line land in pet.cfg; a bad number is refused', async () => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'pet-prov-')), 'meter.key');
  writeFileSync(keyFile, 'f53f2892a419fac696b714c90665590e187d82d629f57a04daa7596dfaa32da3\n');
  let output = '';
  let errors = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeError = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => ((output += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((errors += chunk), true)) as typeof process.stderr.write;
  let code: number;
  let badCode: number;
  try {
    code = await run(['--key-file', keyFile, '--broker', 'mqtt://10.0.0.2:1883', '--mqtt-username', 'meter7', '--mqtt-password', 'pw7',
      '--volts-per-unit', '712.5', '--amps-per-unit=-296', '--phase-calibration', '1.7', '--dry-run']);
    badCode = await run(['--key-file', keyFile, '--amps-per-unit', 'lots', '--dry-run']);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeError;
  }
  assert.is(code, 0);
  const configLine = output.split('\n').find((line) => line.startsWith('s.write("pet.cfg"'))!;
  const config = JSON.parse(JSON.parse(configLine.slice('s.write("pet.cfg", '.length, -2)));
  assert.equal([config.measure.voltsPerUnit, config.measure.ampsPerUnit, config.measure.phaseCalibration], [712.5, -296, 1.7]);
  assert.equal([config.mqtt.username, config.mqtt.password], ['meter7', 'pw7']);
  assert.is(badCode, 2);
  assert.match(errors, '[bad_option] --amps-per-unit: expected a number, got "lots"');
});

test.run();

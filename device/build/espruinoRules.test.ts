import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkEspruinoSubset, formatViolation } from './espruinoRules.ts';
import { FIRMWARE_ENTRY, buildFirmware } from './build.ts';

/** One planted construct of each kind the interpreter cannot run, and the rule that must name it. */
const PLANTED: Array<[source: string, rule: string]> = [
  ['var a = 10n;', 'bigint'],
  ['var { a } = o;', 'destructuring'],
  ['var o = { a, b: 2 };', 'shorthand-property'],
  ['var { a = 1 } = o;', 'shorthand-property'],
  ['var [a] = o;', 'destructuring'],
  ['f(...xs);', 'spread'],
  ['var o2 = [...xs];', 'spread'],
  ['function f(...rest) {}', 'rest'],
  ['function f(a = 1) {}', 'default-parameter'],
  ['var o = { [k]: 1 };', 'computed-key'],
  ['outer: for (;;) { break outer; }', 'label'],
  ['var a = 2 ** 8;', 'exponent'],
  ['a **= 2;', 'exponent'],
  ['async function f() {}', 'async'],
  ['var f = async () => 1;', 'async'],
  ['function* g() { yield 1; }', 'generator'],
  ['var a = o?.b;', 'optional-chaining'],
  ['a ||= 1;', 'logical-assignment'],
  ['a ??= 1;', 'logical-assignment'],
  ['class A { #x = 1; }', 'private-member'],
  ['class A { static { init(); } }', 'static-block'],
  ['var r = /a.b/s;', 'regex-flag'],
  ['var r = /^0x[0-9a-f]{40}$/;', 'regex-syntax'],
  ['var r = /^(ab)+$/;', 'regex-syntax'],
  ['var r = /x?y/;', 'regex-syntax'],
  ['new Map();', 'global:Map'],
  ['new Set();', 'global:Set'],
  ['new WeakMap();', 'global:WeakMap'],
  ['Symbol("x");', 'global:Symbol'],
  ['new Proxy({}, {});', 'global:Proxy'],
  ['Reflect.ownKeys(o);', 'global:Reflect'],
  ['throw new RangeError("x");', 'global:RangeError'],
  ['queueMicrotask(f);', 'global:queueMicrotask'],
  ['setImmediate(f);', 'global:setImmediate'],
  ['globalThis.x = 1;', 'global:globalThis'],
  ['BigInt(1);', 'global:BigInt'],
  ['Math.imul(a, b);', 'member:Math.imul'],
  ['Math.clz32(a);', 'member:Math.clz32'],
  ['Math.trunc(a);', 'member:Math.trunc'],
  ['Math.log2(a);', 'member:Math.log2'],
  ['Math.log10(a);', 'member:Math.log10'],
  ['Math.hypot(a, b);', 'member:Math.hypot'],
  ['Math.fround(a);', 'member:Math.fround'],
  ['Math.cbrt(a);', 'member:Math.cbrt'],
  ['Math.pow(2, 16);', 'member:Math.pow'],
  ['Number.isNaN(a);', 'member:Number.isNaN'],
  ['Number.isInteger(a);', 'member:Number.isInteger'],
  ['Number.isFinite(a);', 'member:Number.isFinite'],
  ['var e = Number.EPSILON;', 'member:Number.EPSILON'],
  ['var m = Number.MAX_SAFE_INTEGER;', 'member:Number.MAX_SAFE_INTEGER'],
  ['Number.parseInt("1");', 'member:Number.parseInt'],
  ['Array.from(x);', 'member:Array.from'],
  ['Uint8Array.from(x);', 'member:Uint8Array.from'],
  ['Float64Array.from(x);', 'member:Float64Array.from'],
  ['ArrayBuffer.isView(x);', 'member:ArrayBuffer.isView'],
  ['Object.freeze(o);', 'member:Object.freeze'],
  ['String.raw`a`;', 'member:String.raw'],
  ['xs.flat();', 'method:flat'],
  ['xs.lastIndexOf(1);', 'method:lastIndexOf'],
  ['s.trimStart();', 'method:trimStart'],
  ['s.codePointAt(0);', 'method:codePointAt'],
  ['p.finally(f);', 'method:finally'],
  ['bytes.buffer.slice(1);', 'method:ArrayBuffer.slice'],
];

test('each planted construct is refused with its own rule and a reason', () => {
  for (const [source, rule] of PLANTED) {
    const code = `var before = 1;\n${source}\n`;
    const violations = checkEspruinoSubset(code);
    const hit = violations.find((v) => v.rule === rule);
    assert.ok(hit, `${source} → expected rule ${rule}, got ${JSON.stringify(violations.map((v) => v.rule))}`);
    assert.is(hit!.line, 2, `${source}: line`);
    assert.ok(hit!.reason.length > 5);
  }
});

test('what Espruino 2v29 does run passes: classes, getters, let/const, arrows, templates, ??, property names', () => {
  const code = [
    'class A extends B { constructor() { super(); this.x = 1; } get y() { return 2; } static z() {} }',
    'let a = 1; const b = (x) => x + 1; var t = `v${a}`; var n = a ?? 0;',
    'var o = { Map: 1, toString: 2, f() {} }; o.Map = 2; o.Set; var s = "abc".lastIndexOf("c");',
    'for (const v of [1, 2]) print(v); Math.floor(1.5); parseInt("7"); isNaN(1); new Uint8Array(4).slice(1);',
    'var r = /a+/gi;',
  ].join('\n');
  assert.equal(checkEspruinoSubset(code), []);
});

test('a syntax error is reported as a parse violation with its line', () => {
  const violations = checkEspruinoSubset('var a = 1;\nvar = ;');
  assert.is(violations.length, 1);
  assert.is(violations[0]!.rule, 'parse');
  assert.is(violations[0]!.line, 2);
});

test('a violation names the bundle line and the source module of an esbuild bundle', () => {
  const code = '(function () {\n// device/src/crypto/x.ts\nvar a = 1;\nvar m = new Map();\n})();\n';
  const [violation] = checkEspruinoSubset(code);
  assert.ok(violation);
  assert.is(formatViolation(violation!, 'firmware.js', code), 'firmware.js:4:13 (from device/src/crypto/x.ts): no Map: use a plain object keyed by string [global:Map]');
});

test('the real firmware bundle and its upload file pass the rules', async () => {
  const outDir = fileURLToPath(new URL('../dist/test-rules/', import.meta.url));
  const result = await buildFirmware(FIRMWARE_ENTRY, outDir);
  assert.equal(checkEspruinoSubset(readFileSync(result.firmwarePath, 'utf8')), []);
  assert.equal(checkEspruinoSubset(readFileSync(result.uploadPath, 'utf8')), []);
  assert.ok(result.uploadBytes > 0);
});

test.run();

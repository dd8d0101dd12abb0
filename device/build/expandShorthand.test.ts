import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandShorthandProperties } from './expandShorthand.ts';
import { assertEspruinoSubset, type BuildError } from './build.ts';
import { checkEspruinoSubset } from './espruinoRules.ts';

test('an object literal shorthand becomes key: key, other properties stay as written', () => {
  const result = expandShorthandProperties('var o = { message, code: 1, config, privateKey };');
  assert.is(result.code, 'var o = { message: message, code: 1, config: config, privateKey: privateKey };');
  assert.is(result.expandedCount, 3);
});

test('nested and arrow-returned objects are expanded, innermost and outermost', () => {
  const result = expandShorthandProperties('var f = (a, b) => ({ a, inner: { b } });');
  assert.is(result.code, 'var f = (a, b) => ({ a: a, inner: { b: b } });');
  assert.is(result.expandedCount, 2);
});

test('destructuring patterns are expanded, with and without a default', () => {
  const result = expandShorthandProperties('var { a, b = 1 } = x;\nfunction f({ c }) { return c; }\n({ d } = y);');
  assert.is(result.code, 'var { a: a, b: b = 1 } = x;\nfunction f({ c: c }) { return c; }\n({ d: d } = y);');
  assert.is(result.expandedCount, 4);
});

test('method shorthand, getters, strings, comments and regular expressions are left alone', () => {
  const code = 'var o = { f() { return 1; }, get g() { return 2; }, s: "{ a }" }; // { b }\nvar r = /{ c }/;';
  const result = expandShorthandProperties(code);
  assert.is(result.code, code);
  assert.is(result.expandedCount, 0);
});

test('the expanded code means the same and passes the shorthand rule', () => {
  const code = 'var message = "m", n = 2; var o = { message, n, k: { n } }; var { message: copy = 0 } = o; result = [o.message, o.n, o.k.n, copy];';
  const expanded = expandShorthandProperties(code).code;
  const run = (source: string) => new Function('var result;' + source + ' return result;')();
  assert.equal(run(expanded), run(code));
  assert.equal(checkEspruinoSubset(expanded).filter((v) => v.rule === 'shorthand-property'), []);
});

test('a shorthand left in an upload file fails the build, naming file, line and column', () => {
  let error: BuildError | undefined;
  try {
    assertEspruinoSubset('var e = "x";\nvar o = {problem:{code:"bad_config",message}};', 'upload.js');
  } catch (caught) {
    error = caught as BuildError;
  }
  assert.ok(error, 'expected a build error');
  assert.is(error!.code, 'espruino_rules');
  assert.match(error!.message, 'upload.js:2:37');
  assert.match(error!.message, '[shorthand-property]');
  assert.match(error!.message, 'message: message');
});

test.run();

/**
 * Parser-based check that a JavaScript bundle stays inside what the Espruino 2v29 interpreter runs
 * (DESIGN §9, and our own checks on a 2v29 Linux build: `??` and public class fields parse; `||=`, `#private`
 * and the regex `s` flag do not; `[].lastIndexOf` and `ArrayBuffer.prototype.slice` are missing).
 *
 * The check parses with acorn (so it sees syntax, not text) and walks every node with acorn-walk. It knows
 * nothing of types, so member rules are by name: `.flat(` is refused on any object, `.lastIndexOf(` on
 * anything but a string literal (Espruino's strings have it, its arrays do not), `.slice(` only after
 * `.buffer`. Globals are refused by name wherever they are read (a bundle that declares its own `Map` would
 * be refused too; rename it). One rule is about the build rather than the interpreter: a shorthand property
 * (`{ a }`) is refused because EspruinoTools' minifier breaks it (see `expandShorthand.ts`).
 */
import { parse, type Node } from 'acorn';
import { fullAncestor } from 'acorn-walk';

/** One construct the interpreter cannot run, with where it is in the checked code (1-based line). */
export interface EspruinoRuleViolation {
  /** Stable rule id, e.g. `destructuring`, `global:Map`, `member:Math.pow`. */
  rule: string;
  /** What is wrong and what to do instead. */
  reason: string;
  line: number;
  column: number;
}

/** Globals that do not exist on Espruino 2v29. */
const MISSING_GLOBALS: Record<string, string> = {
  BigInt: 'no BigInt: use 24-bit limbs in numbers',
  Map: 'no Map: use a plain object keyed by string',
  Set: 'no Set: use a plain object or an array',
  WeakMap: 'no WeakMap',
  WeakSet: 'no WeakSet',
  WeakRef: 'no WeakRef',
  Symbol: 'no Symbol',
  Proxy: 'no Proxy',
  Reflect: 'no Reflect',
  RangeError: 'no RangeError: throw an Error with a code',
  queueMicrotask: 'no queueMicrotask: use setTimeout(…, 0)',
  setImmediate: 'no setImmediate: use setTimeout(…, 0)',
  globalThis: 'no globalThis',
};

/** Static members that are missing (or, for Math.pow, inexact) on Espruino 2v29. */
const MISSING_MEMBERS: Record<string, string> = {
  'Math.imul': 'no Math.imul',
  'Math.clz32': 'no Math.clz32',
  'Math.trunc': 'no Math.trunc: use Math.floor / Math.ceil by sign',
  'Math.log2': 'no Math.log2',
  'Math.log10': 'no Math.log10',
  'Math.hypot': 'no Math.hypot',
  'Math.fround': 'no Math.fround',
  'Math.cbrt': 'no Math.cbrt',
  'Math.pow': 'Math.pow is inexact on Espruino (Math.pow(2,16) = 65535.99999999998): write constants out',
  'Number.isNaN': 'no Number.isNaN: use the global isNaN',
  'Number.isInteger': 'no Number.isInteger: compare with Math.floor',
  'Number.isFinite': 'no Number.isFinite: use the global isFinite',
  'Number.isSafeInteger': 'no Number.isSafeInteger',
  'Number.EPSILON': 'no Number.EPSILON',
  'Number.MAX_SAFE_INTEGER': 'no Number.MAX_SAFE_INTEGER: write 9007199254740991',
  'Number.MIN_SAFE_INTEGER': 'no Number.MIN_SAFE_INTEGER',
  'Number.parseInt': 'no Number.parseInt: use the global parseInt',
  'Number.parseFloat': 'no Number.parseFloat: use the global parseFloat',
  'Array.from': 'no Array.from: loop and push',
  'Array.of': 'no Array.of',
  'ArrayBuffer.isView': 'no ArrayBuffer.isView',
  'Object.freeze': 'no Object.freeze',
  'String.raw': 'no String.raw',
};

const TYPED_ARRAYS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
];
for (const name of TYPED_ARRAYS) {
  MISSING_MEMBERS[`${name}.from`] = `no ${name}.from: use new ${name}(length) and set()`;
  MISSING_MEMBERS[`${name}.of`] = `no ${name}.of: use new ${name}([…])`;
}

/** Prototype methods missing on Espruino 2v29, refused as `.name(` calls on any receiver. */
const MISSING_METHODS: Record<string, string> = {
  flat: 'no Array.prototype.flat',
  flatMap: 'no Array.prototype.flatMap',
  trimStart: 'no String.prototype.trimStart',
  trimEnd: 'no String.prototype.trimEnd',
  codePointAt: 'no String.prototype.codePointAt: use charCodeAt',
  finally: 'no Promise.prototype.finally: use then(f, f)',
  at: 'no .at(): index directly',
  replaceAll: 'no String.prototype.replaceAll: use split/join',
};

/** Regular-expression flags the interpreter refuses (`s` measured; `d` and `v` are newer still). */
const MISSING_REGEX_FLAGS = 'sdv';

/**
 * Pattern syntax that parses on Espruino 2v29 but never matches there (measured: `/^a{2}$/`, `/^a{2,}$/`,
 * `/^(ab)+$/` and `/x?y/` are all false for inputs they should match). Escaped characters are skipped.
 */
function findUnsupportedRegexSyntax(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '{' && /[0-9]/.test(pattern[i + 1] ?? '')) return 'a counted quantifier {n}';
    else if (char === '(') return 'a group ( … )';
    else if (char === '?') return 'the ? quantifier';
  }
  return undefined;
}

/** Own-property lookup, so that names like `toString` do not hit Object.prototype. */
function lookup(table: Record<string, string>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

interface AnyNode extends Node {
  [key: string]: any;
}

function memberName(node: AnyNode): string | null {
  if (node.type !== 'MemberExpression' || node.computed) return null;
  if (node.object.type !== 'Identifier' || node.property.type !== 'Identifier') return null;
  return `${node.object.name}.${node.property.name}`;
}

/** True when this Identifier is a property name or label rather than a read of a variable. */
function isNameOnly(node: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return false;
  if (parent.type === 'MemberExpression') return parent.property === node && !parent.computed;
  if (parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') {
    return parent.key === node && !parent.computed && !(parent.type === 'Property' && parent.shorthand);
  }
  return parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement';
}

/**
 * Returns every construct in `code` that Espruino 2v29 cannot run; an empty list means the code passes.
 * A syntax error that acorn itself reports comes back as one `parse` violation.
 *
 * @example checkEspruinoSubset('const { a } = b;') // [{ rule: 'destructuring', line: 1, … }]
 */
export function checkEspruinoSubset(code: string): EspruinoRuleViolation[] {
  const violations: EspruinoRuleViolation[] = [];
  let ast: AnyNode;
  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowHashBang: false }) as AnyNode;
  } catch (error) {
    const e = error as { message: string; loc?: { line: number; column: number } };
    return [{ rule: 'parse', reason: e.message, line: e.loc ? e.loc.line : 0, column: e.loc ? e.loc.column : 0 }];
  }
  const report = (node: AnyNode, rule: string, reason: string): void => {
    const start = node.loc ? node.loc.start : { line: 0, column: 0 };
    violations.push({ rule, reason, line: start.line, column: start.column });
  };

  // EspruinoTools' minifier renames the variable of `{ a }` but prints the property unchanged; the build
  // spells these out (expandShorthand.ts), so one left over, above all in the upload file, is a build bug.
  // Read from the object node: acorn-walk reaches a pattern's properties only through their values.
  const reportShorthand = (node: AnyNode): void => {
    for (const property of node.properties as AnyNode[]) {
      if (property.type === 'Property' && property.shorthand) {
        report(property, 'shorthand-property', `shorthand property { ${property.key.name} } would point at a renamed variable after minifying: write ${property.key.name}: ${property.key.name}`);
      }
    }
  };

  fullAncestor(ast, (raw, _state, ancestors) => {
    const node = raw as AnyNode;
    const parent = ancestors[ancestors.length - 2] as AnyNode | undefined;
    switch (node.type) {
      case 'Literal':
        if (node.bigint !== undefined) report(node, 'bigint', 'BigInt literal: Espruino has no BigInt');
        if (node.regex) {
          for (const flag of node.regex.flags as string) {
            if (MISSING_REGEX_FLAGS.includes(flag)) report(node, 'regex-flag', `regular-expression flag "${flag}" is not supported`);
          }
          const unsupported = findUnsupportedRegexSyntax(node.regex.pattern as string);
          if (unsupported !== undefined) report(node, 'regex-syntax', `regular expression uses ${unsupported}, which never matches on Espruino 2v29: test characters in code`);
        }
        break;
      case 'ObjectPattern':
      case 'ArrayPattern':
        report(node, 'destructuring', 'destructuring is a syntax error on Espruino: read fields one by one');
        if (node.type === 'ObjectPattern') reportShorthand(node);
        break;
      case 'ObjectExpression':
        reportShorthand(node);
        break;
      case 'SpreadElement':
        report(node, 'spread', 'spread (...x) is a syntax error on Espruino: use apply / concat / Object.assign');
        break;
      case 'RestElement':
        report(node, 'rest', 'rest parameters/elements are a syntax error on Espruino: use arguments');
        break;
      case 'AssignmentPattern':
        report(node, 'default-parameter', 'default parameter values are a syntax error on Espruino: test for undefined');
        break;
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node.computed) report(node, 'computed-key', 'computed property keys are a syntax error on Espruino: assign after creating the object');
        if (node.key && node.key.type === 'PrivateIdentifier') report(node, 'private-member', '#private class members are a syntax error on Espruino');
        break;
      case 'StaticBlock':
        report(node, 'static-block', 'class static blocks are not supported');
        break;
      case 'LabeledStatement':
        report(node, 'label', 'labels are a syntax error on Espruino: use a flag or a function with return');
        break;
      case 'BinaryExpression':
        if (node.operator === '**') report(node, 'exponent', '** is not supported (and Math.pow is inexact): write constants out');
        if (node.left && node.left.type === 'PrivateIdentifier') report(node, 'private-member', '#x in obj is not supported');
        break;
      case 'AssignmentExpression':
        if (node.operator === '**=') report(node, 'exponent', '**= is not supported');
        if (node.operator === '||=' || node.operator === '&&=' || node.operator === '??=') {
          report(node, 'logical-assignment', `${node.operator} is a syntax error on Espruino: write a = a || b`);
        }
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (node.async) report(node, 'async', 'async functions are not supported: use Promise then()');
        if (node.generator) report(node, 'generator', 'generators are not supported: write a step() state machine');
        break;
      case 'AwaitExpression':
        report(node, 'async', 'await is not supported');
        break;
      case 'YieldExpression':
        report(node, 'generator', 'yield is not supported');
        break;
      case 'ForOfStatement':
        if (node.await) report(node, 'async', 'for await is not supported');
        break;
      case 'ChainExpression':
        report(node, 'optional-chaining', 'optional chaining (?.) is a syntax error on Espruino: test explicitly');
        break;
      case 'ImportExpression':
        report(node, 'dynamic-import', 'import() is not supported');
        break;
      case 'MetaProperty':
        if (node.meta.name === 'import') report(node, 'import-meta', 'import.meta is not supported');
        break;
      case 'TaggedTemplateExpression':
        if (memberName(node.tag) === 'String.raw') report(node, 'member:String.raw', MISSING_MEMBERS['String.raw']!);
        break;
      case 'MemberExpression': {
        const name = memberName(node);
        const reason = name === null ? undefined : lookup(MISSING_MEMBERS, name);
        if (reason !== undefined) report(node, `member:${name}`, reason);
        break;
      }
      case 'CallExpression': {
        const callee = node.callee as AnyNode;
        if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
          const method = callee.property.name as string;
          const reason = lookup(MISSING_METHODS, method);
          if (reason !== undefined) report(node, `method:${method}`, reason);
          const receiver = callee.object as AnyNode;
          if (method === 'lastIndexOf' && !(receiver.type === 'Literal' && typeof receiver.value === 'string')) {
            report(node, 'method:lastIndexOf', 'no Array.prototype.lastIndexOf (strings have it; use a string literal receiver or a loop)');
          }
          if (method === 'slice' && receiver.type === 'MemberExpression' && !receiver.computed && receiver.property.name === 'buffer') {
            report(node, 'method:ArrayBuffer.slice', 'no ArrayBuffer.prototype.slice: slice the typed array instead');
          }
        }
        break;
      }
      case 'Identifier':
        {
          const reason = lookup(MISSING_GLOBALS, node.name);
          if (reason !== undefined && !isNameOnly(node, parent)) report(node, `global:${node.name}`, reason);
        }
        break;
      default:
        break;
    }
  });
  violations.sort((a, b) => a.line - b.line || a.column - b.column);
  return violations;
}

/**
 * Formats a violation as `bundle.js:line:column (from src/file.ts): reason [rule]`. The source file is the
 * nearest `// path` module marker that esbuild writes above each module in a non-minified bundle.
 */
export function formatViolation(violation: EspruinoRuleViolation, bundleName: string, code: string): string {
  const lines = code.split('\n');
  let origin = '';
  for (let i = Math.min(violation.line, lines.length) - 1; i >= 0; i--) {
    const match = /^\s*\/\/ ([\w./@-]+\.[cm]?[tj]s)\s*$/.exec(lines[i]!);
    if (match) {
      origin = ` (from ${match[1]})`;
      break;
    }
  }
  return `${bundleName}:${violation.line}:${violation.column + 1}${origin}: ${violation.reason} [${violation.rule}]`;
}

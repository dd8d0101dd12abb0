/**
 * Rewrites every shorthand object property into `key: key` form before EspruinoTools minifies the bundle.
 *
 * EspruinoTools' minifier (esmangle + escodegen) renames local variables but prints a shorthand property as
 * it found it, so `{ message }` became `{message}` next to a variable now called `e`: a ReferenceError on the
 * board (and in V8). Spelled out as `message: message`, the key stays and only the value is renamed.
 *
 * Covers object literals (`{ a }` → `{ a: a }`) and object patterns, with or without a default
 * (`{ a } = x` → `{ a: a } = x`, `{ a = 1 } = x` → `{ a: a = 1 } = x`). Method shorthand (`{ f() {} }`)
 * names a property, not a variable, and is left alone. Parsed with acorn, so strings, comments and regular
 * expressions that look like objects are never touched.
 */
import { parse, type Node } from 'acorn';
import { full } from 'acorn-walk';

interface AnyNode extends Node {
  [key: string]: any;
}

/** The rewritten code and how many shorthand properties were spelled out. */
export interface ShorthandExpansion {
  code: string;
  expandedCount: number;
}

/** Offsets (into `code`) of every shorthand property, each with the key text to insert there. */
export function findShorthandProperties(ast: Node, code: string): Array<{ start: number; keyText: string }> {
  const found: Array<{ start: number; keyText: string }> = [];
  // acorn-walk visits the properties of an ObjectPattern through their values only, so both object
  // kinds are read here from their parent node.
  full(ast, (raw) => {
    const node = raw as AnyNode;
    if (node.type !== 'ObjectExpression' && node.type !== 'ObjectPattern') return;
    for (const property of node.properties as AnyNode[]) {
      if (property.type === 'Property' && property.shorthand) {
        // The key's own source text, so a key written with a \u escape is kept byte for byte.
        found.push({ start: property.start, keyText: code.slice(property.key.start, property.key.end) });
      }
    }
  });
  return found;
}

/**
 * Returns `code` with each shorthand property spelled out; throws with acorn's message and position when
 * `code` does not parse.
 *
 * @example expandShorthandProperties('var o = { a, b: 2 };').code // 'var o = { a: a, b: 2 };'
 */
export function expandShorthandProperties(code: string): ShorthandExpansion {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  const insertions = findShorthandProperties(ast, code).sort((a, b) => b.start - a.start);
  let result = code;
  // From the end backwards, so each offset still points into unchanged text.
  for (const insertion of insertions) {
    result = result.slice(0, insertion.start) + `${insertion.keyText}: ` + result.slice(insertion.start);
  }
  return { code: result, expandedCount: insertions.length };
}

/**
 * Numbers read from a Float64Array come out of the engine as heap-allocated doubles. Stored into an object field,
 * such a value makes the field keep a separate 16-byte box per object — an extra allocation for the garbage
 * collector to copy — even when it is a whole number. `| 0` yields the unboxed small-integer form instead; this
 * returns it whenever it is the same number (every Wh and micro-unit figure of a book), and the value itself
 * otherwise.
 *
 * @example smallInteger(new Float64Array([1500])[0]) // → 1500, stored unboxed
 */
export function smallInteger(value: number): number {
  const integer = value | 0;
  return integer === value ? integer : value;
}

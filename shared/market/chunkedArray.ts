/**
 * Filling a large result array (49 200 trades, 59 562 remainders) through small arrays, joined once at the end.
 *
 * An array of more than about 16 000 elements is too big for the young generation's pages and is allocated as a
 * large object. If a young-generation collection runs while such an array is being filled — likely, since the
 * trades and remainders are most of what a clearing allocates — the array is promoted to the old generation, and
 * from then on each new object stored into it is remembered as an old-to-young pointer. The young collector
 * treats those pointers as live without knowing whether the old array still is, so at the next collection every
 * object the array held is copied and promoted, even when the caller has long dropped the result: a clearing's
 * trades were copied twice and then had to be reclaimed by a full collection. Arrays of 8 192 elements stay
 * ordinary young objects; joining them at the end copies 8-byte pointers only. (ADR 0103.)
 *
 * The chunks are copies of one empty array rather than `new Array(n)`: an `Array` constructor call carries an
 * allocation site, which the engine may decide to pretenure (see `plainRecords.ts`) — and an old chunk would pin
 * its objects just as the big array did.
 */

/** Elements per chunk: 8 192 × 8 bytes stays below the young generation's largest regular object (128 KiB). */
export const chunkBits = 13;
export const chunkLength = 1 << chunkBits;

/** A chunk's worth of holes, copied for each new chunk. */
const emptyChunk: unknown[] = new Array<unknown>(chunkLength);

/** Empty chunks for `length` elements: element i goes to `chunks[i >>> chunkBits][i & (chunkLength - 1)]`. */
export function newChunks<T>(length: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < length; start += chunkLength) chunks.push(emptyChunk.slice(0, Math.min(chunkLength, length - start)) as T[]);
  return chunks;
}

/** The chunks joined into one array, in order. */
export function joinChunks<T>(chunks: readonly T[][]): T[] {
  if (chunks.length === 0) return [];
  if (chunks.length === 1) return chunks[0] as T[];
  return ([] as T[]).concat(...chunks);
}

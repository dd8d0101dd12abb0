import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chunkBits, chunkLength, joinChunks, newChunks } from './chunkedArray.ts';

test('elements written through the chunks come out joined in order, for any length', () => {
  for (const length of [0, 1, chunkLength - 1, chunkLength, chunkLength + 1, 3 * chunkLength + 5]) {
    const chunks = newChunks<number>(length);
    for (let i = length - 1; i >= 0; i -= 1) (chunks[i >>> chunkBits] as number[])[i & (chunkLength - 1)] = i * 2;
    const joined = joinChunks(chunks);
    assert.is(joined.length, length);
    assert.ok(joined.every((value, i) => value === i * 2), `length ${length}`);
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScratchArena } from './scratchArena.ts';

test('views taken before and after the buffer grows keep their own contents', () => {
  const arena = new ScratchArena();
  arena.reset();
  const views = [arena.u8Zeroed(5), arena.f64(7_000), arena.u32(30_000), arena.f64Zeroed(100_000), arena.u32Zeroed(3)];
  views.forEach((view, v) => view.fill(v + 1));
  views.forEach((view, v) => assert.ok(view.every((x) => x === v + 1), `view ${v}`));
  assert.is((views[1]?.byteOffset ?? 1) % 8, 0, 'doubles aligned');
  assert.is((views[3]?.byteOffset ?? 1) % 8, 0, 'doubles aligned after growth');
});

test('zeroed views are zero even where an earlier clearing wrote', () => {
  const arena = new ScratchArena();
  arena.reset();
  arena.f64(1000).fill(7);
  arena.reset();
  assert.ok(arena.f64Zeroed(1000).every((x) => x === 0));
  assert.ok(arena.u32Zeroed(10).every((x) => x === 0));
});

test('after a reset the arena hands out the same memory again instead of growing', () => {
  const arena = new ScratchArena();
  for (let round = 0; round < 3; round += 1) {
    arena.reset();
    const first = arena.f64(50_000);
    const second = arena.u32(50_000);
    if (round > 0) assert.is(first.buffer, second.buffer, `round ${round}: one buffer`);
  }
});

test.run();

/**
 * Working memory for one clearing: typed arrays handed out from one reusable buffer. A zone of 100 000 orders
 * needs about thirty arrays (≈ 12 MB); allocating them afresh on every clearing costs a zero-filled allocation
 * each, and their external memory makes the engine run extra young-generation collections, which then copy the
 * caller's live book and trade objects (ADR 0103). The arena keeps its largest buffer between clearings.
 *
 * Views stay valid until the next `reset()`: nothing taken from an arena may end up in a result.
 *
 * The arena also keeps a few arrays of strings (order ids and participants by entry or by position). Allocated
 * afresh, each of them is a large object for the garbage collector every clearing; kept, they hold the strings of
 * the last clearing until the next one overwrites them.
 */

/** Bytes of the first buffer; it grows to the largest clearing seen. */
const initialBytes = 1 << 16;

export class ScratchArena {
  private buffer = new ArrayBuffer(initialBytes);
  private offset = 0;
  /** Bytes handed out since the last reset, across buffers: the next buffer is made large enough for all. */
  private used = 0;

  /** Kept arrays of strings, by slot (`strings`). */
  private readonly stringArrays: string[][] = [];

  /** Starts a clearing: every view handed out before may be overwritten from now on. */
  reset(): void {
    this.offset = 0;
    this.used = 0;
  }

  private take(bytes: number): number {
    const start = (this.offset + 7) & ~7;
    this.used += bytes + 8;
    if (start + bytes <= this.buffer.byteLength) {
      this.offset = start + bytes;
      return start;
    }
    // Views already handed out keep the old buffer alive until they are dropped; later clearings use the new one.
    this.buffer = new ArrayBuffer(Math.max(this.buffer.byteLength * 2, this.used * 2));
    this.offset = bytes;
    return 0;
  }

  /** `length` doubles, contents undefined (the caller writes every element before reading it). */
  f64(length: number): Float64Array {
    const offset = this.take(length * 8); // first: it may replace the buffer
    return new Float64Array(this.buffer, offset, length);
  }

  /** `length` doubles, all 0. */
  f64Zeroed(length: number): Float64Array {
    return this.f64(length).fill(0);
  }

  /** `length` unsigned 32-bit integers, contents undefined. */
  u32(length: number): Uint32Array {
    const offset = this.take(length * 4);
    return new Uint32Array(this.buffer, offset, length);
  }

  /** `length` unsigned 32-bit integers, all 0. */
  u32Zeroed(length: number): Uint32Array {
    return this.u32(length).fill(0);
  }

  /** `length` signed 32-bit integers, all 0. */
  i32Zeroed(length: number): Int32Array {
    const offset = this.take(length * 4);
    return new Int32Array(this.buffer, offset, length).fill(0);
  }

  /**
   * The array of strings of `slot`, at least `length` long (longer after a larger clearing); its elements are
   * whatever earlier clearings left until overwritten, so read only what was written since `reset()`.
   */
  strings(slot: number, length: number): string[] {
    let array = this.stringArrays[slot];
    if (array === undefined || array.length < length) {
      array = new Array<string>(length);
      this.stringArrays[slot] = array;
    }
    return array;
  }

  /** `length` bytes, all 0. */
  u8Zeroed(length: number): Uint8Array {
    const offset = this.take(length);
    return new Uint8Array(this.buffer, offset, length).fill(0);
  }
}

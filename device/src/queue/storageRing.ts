/**
 * Store-and-forward queue in flash: a ring of numbered chunk files (`pq0`, `pq1`, …), each created at
 * `chunkBytes` and filled line by line, one record per line, so every write lands on fresh bytes (Storage writes
 * once per offset). A record stays until acknowledged; acknowledged chunks are erased whole. When the ring is
 * full the oldest chunk goes first and its unacknowledged records are counted as dropped.
 *
 * Line format: `seq <TAB> checkpoint <TAB> json <LF>`. The checkpoint is the meter state the record was built
 * from (docs/meter_setup.md §"Power cuts"), which makes the ring the write-ahead log too: the newest line is the
 * state a reboot resumes from. The newest chunk is therefore never erased.
 */
import type { StorageApi } from './storageApi.ts';

/** One queued record. */
export interface QueueEntry {
  seq: number;
  checkpoint: string;
  json: string;
}

/** Ring size and file naming. */
export interface RingSettings {
  /** File name prefix, letters only; names are prefix + chunk number (≤ 28 characters). */
  prefix: string;
  chunkBytes: number;
  maxChunks: number;
}

interface ChunkInfo {
  number: number;
  firstSeq: number;
  lastSeq: number;
  usedBytes: number;
  lineCount: number;
}

/** The queue's operations; every method works on flash directly, nothing is lost at a power cut. */
export interface StorageRing {
  append(entry: QueueEntry): void;
  /**
   * Makes sure the next append of up to `lineBytes` fits in the current chunk, opening a new one (and dropping
   * the oldest if the ring is full) now rather than inside `append`: the caller then writes a checkpoint that
   * already counts those drops.
   */
  makeRoom(lineBytes: number): void;
  /** Up to `maxCount` entries with seq > `afterSeq`, oldest first. */
  entriesAfter(afterSeq: number, maxCount: number): QueueEntry[];
  /** Everything up to and including `seq` is delivered: erase chunks that hold nothing newer. */
  acknowledgeUpTo(seq: number): void;
  /** The newest entry (the state to resume from), or undefined for an empty ring. */
  lastEntry(): QueueEntry | undefined;
  /** Highest acknowledged seq, −1 before the first acknowledgement. */
  acknowledgedSeq(): number;
  /** Records written but not yet acknowledged. */
  pendingCount(): number;
  /** Records dropped unacknowledged because the ring was full, counted since the ring was opened. */
  droppedSinceOpen(): number;
  chunkCount(): number;
}

const END_OF_DATA = String.fromCharCode(255);

function parseLine(line: string): QueueEntry | undefined {
  const firstTab = line.indexOf('\t');
  const secondTab = line.indexOf('\t', firstTab + 1);
  if (firstTab <= 0 || secondTab < 0) return undefined;
  const seq = parseInt(line.substring(0, firstTab), 10);
  if (isNaN(seq)) return undefined;
  return { seq, checkpoint: line.substring(firstTab + 1, secondTab), json: line.substring(secondTab + 1) };
}

function writtenPart(content: string | undefined): string {
  if (content === undefined) return '';
  const end = content.indexOf(END_OF_DATA);
  return end < 0 ? content : content.substring(0, end);
}

/** Opens (or creates) the ring, scanning existing chunk files. */
export function openStorageRing(storage: StorageApi, settings: RingSettings): StorageRing {
  const chunks: ChunkInfo[] = [];
  const namePattern = new RegExp('^' + settings.prefix + '[0-9]+$');
  let acknowledged = -1;
  let dropped = 0;
  let last: QueueEntry | undefined;

  const chunkName = (chunkNumber: number) => settings.prefix + chunkNumber;

  function readEntries(chunk: ChunkInfo): QueueEntry[] {
    const text = writtenPart(storage.read(chunkName(chunk.number)));
    const entries: QueueEntry[] = [];
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      if (end < 0) break; // a line cut by a power failure: ignored, its record was never published
      const entry = parseLine(text.substring(start, end));
      if (entry !== undefined) entries.push(entry);
      start = end + 1;
    }
    return entries;
  }

  const names = storage.list(namePattern);
  const numbers: number[] = [];
  for (let i = 0; i < names.length; i++) numbers.push(parseInt((names[i] as string).substring(settings.prefix.length), 10));
  numbers.sort((a, b) => a - b);
  for (let i = 0; i < numbers.length; i++) {
    const chunk: ChunkInfo = { number: numbers[i] as number, firstSeq: -1, lastSeq: -1, usedBytes: 0, lineCount: 0 };
    const text = writtenPart(storage.read(chunkName(chunk.number)));
    chunk.usedBytes = text.length;
    // A last line without its newline was cut by a power failure. Flash cannot be rewritten in place, so the
    // chunk is closed: the next record goes to a fresh chunk instead of being glued to the torn bytes.
    if (text.length > 0 && text.charAt(text.length - 1) !== '\n') chunk.usedBytes = settings.chunkBytes;
    const entries = readEntries(chunk);
    if (entries.length > 0) {
      chunk.firstSeq = (entries[0] as QueueEntry).seq;
      chunk.lastSeq = (entries[entries.length - 1] as QueueEntry).seq;
      chunk.lineCount = entries.length;
      last = entries[entries.length - 1];
    }
    chunks.push(chunk);
  }
  if (chunks.length > 0 && chunks[0]!.firstSeq > 0) acknowledged = chunks[0]!.firstSeq - 1;

  function unacknowledgedIn(chunk: ChunkInfo): number {
    if (chunk.lastSeq <= acknowledged) return 0;
    if (chunk.firstSeq > acknowledged) return chunk.lineCount;
    return chunk.lastSeq - acknowledged;
  }

  function dropOldest(): void {
    const oldest = chunks.shift() as ChunkInfo;
    dropped += unacknowledgedIn(oldest);
    if (oldest.lastSeq > acknowledged) acknowledged = oldest.lastSeq;
    storage.erase(chunkName(oldest.number));
  }

  function newChunk(): ChunkInfo {
    while (chunks.length >= settings.maxChunks || (chunks.length > 1 && storage.getFree() < settings.chunkBytes + 64)) {
      dropOldest();
    }
    const previous = chunks[chunks.length - 1];
    const chunk: ChunkInfo = {
      number: previous === undefined ? 0 : previous.number + 1,
      firstSeq: -1,
      lastSeq: -1,
      usedBytes: 0,
      lineCount: 0,
    };
    chunks.push(chunk);
    return chunk;
  }

  return {
    append(entry: QueueEntry): void {
      const line = entry.seq + '\t' + entry.checkpoint + '\t' + entry.json + '\n';
      if (line.length > settings.chunkBytes) {
        throw { code: 'record_too_large', message: 'expected a record of at most ' + settings.chunkBytes + ' bytes, got ' + line.length };
      }
      let chunk = chunks[chunks.length - 1];
      if (chunk === undefined || chunk.usedBytes + line.length > settings.chunkBytes) chunk = newChunk();
      const name = chunkName(chunk.number);
      const isWritten = chunk.usedBytes === 0
        ? storage.write(name, line, 0, settings.chunkBytes)
        : storage.write(name, line, chunk.usedBytes);
      if (isWritten === false) throw { code: 'storage_write_failed', message: 'could not write ' + name };
      chunk.usedBytes += line.length;
      if (chunk.firstSeq < 0) chunk.firstSeq = entry.seq;
      chunk.lastSeq = entry.seq;
      chunk.lineCount++;
      last = entry;
    },
    makeRoom(lineBytes: number): void {
      const chunk = chunks[chunks.length - 1];
      if (chunk === undefined || chunk.usedBytes + lineBytes > settings.chunkBytes) newChunk();
    },
    entriesAfter(afterSeq: number, maxCount: number): QueueEntry[] {
      const out: QueueEntry[] = [];
      for (let i = 0; i < chunks.length && out.length < maxCount; i++) {
        const chunk = chunks[i] as ChunkInfo;
        if (chunk.lastSeq <= afterSeq) continue;
        const entries = readEntries(chunk);
        for (let k = 0; k < entries.length && out.length < maxCount; k++) {
          if ((entries[k] as QueueEntry).seq > afterSeq) out.push(entries[k] as QueueEntry);
        }
      }
      return out;
    },
    acknowledgeUpTo(seq: number): void {
      if (seq <= acknowledged) return;
      acknowledged = seq;
      while (chunks.length > 1 && chunks[0]!.lastSeq <= acknowledged) {
        const done = chunks.shift() as ChunkInfo;
        storage.erase(chunkName(done.number));
      }
    },
    lastEntry: () => last,
    acknowledgedSeq: () => acknowledged,
    pendingCount(): number {
      let count = 0;
      for (let i = 0; i < chunks.length; i++) count += unacknowledgedIn(chunks[i] as ChunkInfo);
      return count;
    },
    droppedSinceOpen: () => dropped,
    chunkCount: () => chunks.length,
  };
}

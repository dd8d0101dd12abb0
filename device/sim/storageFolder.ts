/**
 * Espruino's `require("Storage")` over a folder, one folder per simulated meter: the same rules as flash
 * (names ≤ 28 characters; a file created with a size reads 0xFF where nothing was written yet; each byte can be
 * written once until the file is erased), so the firmware's queue behaves as on a board, and a restarted
 * simulator resumes from the folder like a rebooted meter.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Storage size of an ESP32 Espruino build (DESIGN §9). */
export const ESP32_STORAGE_BYTES = 896 * 1024;
/** Bytes of header each Storage file costs. */
const FILE_HEADER_BYTES = 32;
const MAX_NAME_LENGTH = 28;

export interface StorageFolderStats {
  writes: number;
  bytesWritten: number;
}

export interface StorageFolder {
  write(name: string, data: string | ArrayLike<number>, offset?: number, size?: number): boolean;
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): unknown;
  writeJSON(name: string, value: unknown): boolean;
  erase(name: string): void;
  list(pattern?: RegExp): string[];
  getFree(): number;
  stats: StorageFolderStats;
}

function fileNameFor(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E') + '.bin';
}

function toBuffer(data: string | ArrayLike<number>): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(Array.from(data));
}

/** Opens (creating if needed) the folder; existing files are loaded, as flash survives a reboot. */
export function openStorageFolder(folder: string): StorageFolder {
  mkdirSync(folder, { recursive: true });
  const files = new Map<string, Buffer>();
  for (const fileName of readdirSync(folder)) {
    if (!fileName.endsWith('.bin')) continue;
    files.set(decodeURIComponent(fileName.slice(0, -4)), readFileSync(join(folder, fileName)));
  }
  const stats: StorageFolderStats = { writes: 0, bytesWritten: 0 };

  function checkName(name: string): void {
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
      throw new Error(`Storage: expected a file name of 1 … ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(name)}`);
    }
  }

  function persist(name: string, content: Buffer): void {
    files.set(name, content);
    writeFileSync(join(folder, fileNameFor(name)), content);
  }

  const storage: StorageFolder = {
    write(name, data, offset, size) {
      checkName(name);
      const bytes = toBuffer(data);
      const at = offset ?? 0;
      stats.writes++;
      stats.bytesWritten += bytes.length;
      if (at === 0 && (size !== undefined || offset === undefined)) {
        // A new file: erase and create at `size` (or the data's length), unwritten bytes 0xFF.
        const content = Buffer.alloc(Math.max(size ?? 0, bytes.length), 0xff);
        bytes.copy(content, 0);
        persist(name, content);
        return true;
      }
      const content = files.get(name);
      if (content === undefined || at + bytes.length > content.length) return false;
      for (let i = 0; i < bytes.length; i++) {
        if (content[at + i] !== 0xff) return false; // flash: written bytes cannot be written again
      }
      bytes.copy(content, at);
      persist(name, content);
      return true;
    },
    read(name, offset, length) {
      const content = files.get(name);
      if (content === undefined) return undefined;
      const start = offset ?? 0;
      const end = length === undefined ? content.length : Math.min(content.length, start + length);
      return content.subarray(start, end).toString('latin1');
    },
    readJSON(name, noExceptions) {
      const text = storage.read(name);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text);
      } catch (error) {
        if (noExceptions) return undefined;
        throw error;
      }
    },
    writeJSON(name, value) {
      return storage.write(name, JSON.stringify(value));
    },
    erase(name) {
      if (!files.delete(name)) return;
      rmSync(join(folder, fileNameFor(name)), { force: true });
    },
    list(pattern) {
      const names = [...files.keys()];
      return pattern === undefined ? names : names.filter((name) => pattern.test(name));
    },
    getFree() {
      let used = 0;
      for (const content of files.values()) used += content.length + FILE_HEADER_BYTES;
      return Math.max(0, ESP32_STORAGE_BYTES - used);
    },
    stats,
  };
  return storage;
}

/**
 * The part of Espruino's `require("Storage")` the firmware uses (https://www.espruino.com/Reference#Storage).
 * Flash rules: file names of at most 28 characters; a byte can be written once after a file is created (unwritten
 * bytes read as 0xFF), so appending means writing further into a file created with its full size.
 */
export interface StorageApi {
  /** Writes `data` at `offset`; `size` creates the file that large when `offset` is 0. */
  write(name: string, data: string, offset?: number, size?: number): boolean;
  /** The whole file (or `length` bytes from `offset`) as a string of char codes 0 … 255, or undefined. */
  read(name: string, offset?: number, length?: number): string | undefined;
  erase(name: string): void;
  list(pattern?: RegExp): string[];
  getFree(): number;
}

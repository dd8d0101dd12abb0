/**
 * Protocol v1 records as typed values. Field names are the wire names; every value has already been validated
 * (integers in range, lower-case hex of the right length) by the wire codec or built by a meter.
 * Layout and meaning of each field: docs/protocol.md.
 */

/** The only protocol version this code reads and writes. */
export const PROTOCOL_VERSION = 1;

/** Kind byte of each record in the canonical layout. */
export const RECORD_KIND_SAMPLE = 1;
export const RECORD_KIND_SEAL = 2;

/** Largest value of an unsigned 48-bit field (energy registers, Wh): 2^48 − 1, exact in a JS number. */
export const MAX_UINT48 = 0xffffffffffff;
/** Largest value of an unsigned 32-bit field (sequence numbers, Unix seconds, mA). */
export const MAX_UINT32 = 0xffffffff;
export const MAX_UINT16 = 0xffff;
export const MIN_INT32 = -0x80000000;
export const MAX_INT32 = 0x7fffffff;
/** Power factor is sent in thousandths: 0 … 1000. */
export const MAX_POWER_FACTOR_PERMILLE = 1000;

/** Digest that a chain's first record (seq 0) names as its predecessor. */
export const ZERO_DIGEST_HEX = '0x' + '0'.repeat(64);

/** A measurement over one sample window; unsigned, authenticated later by the seal that commits to its chain. */
export interface SampleRecord {
  v: 1;
  kind: 'sample';
  /** Meter id: the Ethereum-style address of its secp256k1 key, lower-case hex. */
  meter: string;
  /** Position in the meter's hash chain, counted from 0 and never reused, across reboots. */
  seq: number;
  /** SHA-256 digest of the previous record's canonical bytes (zero digest for seq 0). */
  prev: string;
  /** Unix time, seconds, at the end of the measured window (measurement time, not send time). */
  timeS: number;
  /** Import register: energy drawn from the grid, Wh, only ever goes up. */
  importWh: number;
  /** Export register: energy fed into the grid, Wh, only ever goes up. */
  exportWh: number;
  /** Mean real power over the window, W; positive imports, negative exports. */
  powerW: number;
  /** RMS voltage, tenths of a volt. */
  voltageDv: number;
  /** RMS current, milliamperes. */
  currentMa: number;
  /** |real power| ÷ apparent power, thousandths. */
  powerFactorPermille: number;
}

/** A signed commitment to one market interval: its register readings and the chain head before it. */
export interface SealRecord {
  v: 1;
  kind: 'seal';
  meter: string;
  seq: number;
  prev: string;
  /** Interval start and end, Unix seconds; end > start. */
  startS: number;
  endS: number;
  importStartWh: number;
  importEndWh: number;
  exportStartWh: number;
  exportEndWh: number;
  /** Samples in the chain since the previous seal (lets the relay tell a complete interval from a gappy one). */
  sampleCount: number;
  /** 65-byte recoverable ECDSA signature r ‖ s ‖ v over the SHA-256 digest of the canonical bytes; v is 27 or 28. */
  sig: string;
}

/** A seal before it is signed. */
export type UnsignedSealRecord = Omit<SealRecord, 'sig'>;

export type MeterRecord = SampleRecord | SealRecord;

/**
 * The delivery tests' judge: reads every sample and seal the relay stored for a meter and compares them with
 * the range of seqs the meter itself produced. Checked independently of the relay's own checks: each record's
 * digest is recomputed from the stored columns (canonical bytes → SHA-256 with @noble/hashes), each `prev` must
 * equal the digest of the record before, and each seal's signature must recover (with @noble/curves) to the
 * public key whose keccak-256 address is the meter — no call into the relay's verify room.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type postgres from 'postgres';
import { encodeRecordBytes } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord, SampleRecord, SealRecord } from '../../shared/protocol/recordTypes.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';

/** What one meter produced, and which of its seqs must be missing (dropped by the meter before it sent them). */
export interface ProducedRange {
  address: string;
  firstSeq: number;
  lastSeq: number;
  /** Inclusive ranges that must NOT be stored. */
  gone?: { fromSeq: number; toSeq: number }[];
}

/** Result for one meter: what was found, and every way it differs from what the meter produced. */
export interface StoredChainReport {
  address: string;
  stored: number;
  expected: number;
  seals: number;
  problems: string[];
}

const hex = (bytes: Uint8Array) => '0x' + Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text.slice(2), 'hex'));

/** Compresses a sorted list of seqs into "a–b, c" ranges for messages. */
export function describeSeqs(seqs: number[], limit = 8): string {
  const ranges: string[] = [];
  for (let i = 0; i < seqs.length && ranges.length < limit; ) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j++;
    ranges.push(i === j ? String(seqs[i]) : `${seqs[i]}–${seqs[j]}`);
    i = j + 1;
  }
  return `${seqs.length} seqs: ${ranges.join(', ')}${ranges.length === limit ? ', …' : ''}`;
}

/** Ethereum-style address of a public key: keccak-256 of the uncompressed x ‖ y, last 20 bytes. */
function addressOfPublicKey(publicKey: Uint8Array): string {
  const uncompressed = publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return hex(keccak_256(uncompressed.subarray(1)).subarray(12));
}

/** Checks that r ‖ s ‖ v (v = 27/28) over `digest` recovers to the seal's meter; returns a problem or undefined. */
function sealSignatureProblem(seal: SealRecord, digest: Uint8Array): string | undefined {
  const signature = unhex(seal.sig);
  if (signature.length !== 65) return `seal ${seal.seq}: signature of ${signature.length} bytes`;
  const v = signature[64]!;
  if (v !== 27 && v !== 28) return `seal ${seal.seq}: v = ${v}`;
  const recovered = new Uint8Array(65);
  recovered[0] = v - 27; // noble's 'recovered' format puts the recovery bit first
  recovered.set(signature.subarray(0, 64), 1);
  try {
    const publicKey = secp256k1.recoverPublicKey(recovered, digest, { prehash: false });
    if (!secp256k1.verify(signature.subarray(0, 64), digest, publicKey, { prehash: false, lowS: true })) return `seal ${seal.seq}: signature does not verify`;
    const signer = addressOfPublicKey(publicKey);
    if (signer !== seal.meter) return `seal ${seal.seq}: signed by ${signer}, not by the meter`;
  } catch (error) {
    return `seal ${seal.seq}: ${(error as Error).message}`;
  }
  return undefined;
}

interface StoredRow {
  record: MeterRecord;
  digest: string;
}

async function readStored(sql: postgres.Sql, address: string): Promise<StoredRow[]> {
  const samples = await sql`SELECT seq, time_s, import_wh, export_wh, power_w, voltage_dv, current_ma, power_factor_permille, prev, digest FROM samples WHERE meter = ${address}`;
  const seals = await sql`SELECT seq, start_s, end_s, import_start_wh, import_end_wh, export_start_wh, export_end_wh, sample_count, sig, prev, digest FROM seals WHERE meter = ${address}`;
  const rows: StoredRow[] = [];
  for (const r of samples) {
    const record: SampleRecord = {
      v: 1, kind: 'sample', meter: address, seq: Number(r.seq), prev: r.prev, timeS: Number(r.time_s), importWh: Number(r.import_wh), exportWh: Number(r.export_wh),
      powerW: Number(r.power_w), voltageDv: Number(r.voltage_dv), currentMa: Number(r.current_ma), powerFactorPermille: Number(r.power_factor_permille),
    };
    rows.push({ record, digest: r.digest });
  }
  for (const r of seals) {
    const record: SealRecord = {
      v: 1, kind: 'seal', meter: address, seq: Number(r.seq), prev: r.prev, startS: Number(r.start_s), endS: Number(r.end_s), importStartWh: Number(r.import_start_wh),
      importEndWh: Number(r.import_end_wh), exportStartWh: Number(r.export_start_wh), exportEndWh: Number(r.export_end_wh), sampleCount: Number(r.sample_count), sig: r.sig,
    };
    rows.push({ record, digest: r.digest });
  }
  return rows.sort((a, b) => a.record.seq - b.record.seq);
}

/**
 * Compares what the relay stored for `range.address` with what the meter produced: every seq in
 * [firstSeq, lastSeq] outside `gone` stored exactly once (one row, in one table), nothing else stored, every
 * digest and link right, every seal signed by the meter.
 */
export async function checkStoredChain(sql: postgres.Sql, range: ProducedRange): Promise<StoredChainReport> {
  const rows = await readStored(sql, range.address);
  const problems: string[] = [];
  const isGone = (seq: number) => (range.gone ?? []).some((gap) => seq >= gap.fromSeq && seq <= gap.toSeq);
  const expectedSeqs: number[] = [];
  for (let seq = range.firstSeq; seq <= range.lastSeq; seq++) if (!isGone(seq)) expectedSeqs.push(seq);

  const countBySeq = new Map<number, number>();
  for (const row of rows) countBySeq.set(row.record.seq, (countBySeq.get(row.record.seq) ?? 0) + 1);
  const twice = [...countBySeq].filter(([, count]) => count > 1).map(([seq]) => seq).sort((a, b) => a - b);
  if (twice.length > 0) problems.push(`stored more than once: ${describeSeqs(twice)}`);
  const missing = expectedSeqs.filter((seq) => !countBySeq.has(seq));
  if (missing.length > 0) problems.push(`missing: ${describeSeqs(missing)}`);
  const unexpected = [...countBySeq.keys()].filter((seq) => seq < range.firstSeq || seq > range.lastSeq || isGone(seq)).sort((a, b) => a - b);
  if (unexpected.length > 0) problems.push(`stored but not expected: ${describeSeqs(unexpected)}`);

  const digestOf = new Map<number, string>();
  for (const row of rows) {
    const digest = sha256(encodeRecordBytes(row.record));
    const digestHex = hex(digest);
    if (digestHex !== row.digest) problems.push(`seq ${row.record.seq}: stored digest ${row.digest.slice(0, 12)}… is not the recomputed ${digestHex.slice(0, 12)}…`);
    digestOf.set(row.record.seq, digestHex);
    if (row.record.kind === 'seal') {
      const problem = sealSignatureProblem(row.record, digest);
      if (problem !== undefined) problems.push(problem);
    }
  }
  for (const row of rows) {
    const seq = row.record.seq;
    const before = seq === 0 ? ZERO_DIGEST_HEX : digestOf.get(seq - 1);
    if (before === undefined) continue; // the record before is gone for good: nothing to link to
    if (row.record.prev !== before) problems.push(`seq ${seq}: prev ${row.record.prev.slice(0, 12)}… is not the digest of seq ${seq - 1}`);
  }
  const seals = rows.filter((row) => row.record.kind === 'seal').length;
  return { address: range.address, stored: rows.length, expected: expectedSeqs.length, seals, problems: problems.slice(0, 20) };
}

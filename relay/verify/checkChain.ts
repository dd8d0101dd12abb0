/**
 * The relay's chain rules (docs/protocol.md §5, items 3–6), as a pure function over one batch and what the
 * database knows around it. Records of a meter are judged in seq order; each accepted record becomes known to
 * the ones after it in the same batch.
 *
 * - seq already stored (or earlier in the batch) with the same digest → `duplicate` (acknowledged, stored once);
 *   with another digest → `chain_fork`.
 * - `prev` must equal the digest at seq − 1 when that record is known (the zero digest for seq 0), and the
 *   known record at seq + 1 must name this record's digest → else `chain_break`. Unknown neighbours are a gap,
 *   not an error: the record is kept and the gap recorded (the meter is asked to resend).
 * - Registers never go down along the chain, and a seal starts at or above the end of the meter's latest
 *   earlier seal → else `counter_rollback`. (Equality with the previous seal's end is not demanded: a lost seal
 *   in between would make an honest meter fail it.)
 * - Measurement time (a sample's `timeS`, a seal's `endS`) at most `clockSkewS` ahead of the relay's clock →
 *   else `clock_skew`. Old records are fine: meters flush their queue after an outage.
 * - A meter missing from `meters`: refused as `unknown_meter` under policy `reject`, else accepted and flagged.
 */
import type { MeterRecord } from '../../shared/protocol/recordTypes.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';
import { type ChainContext, type StoredLink, linkKey } from '../store/chainContext.ts';
import type { UnknownMeterPolicy } from '../config/relayConfig.ts';
import type { RelayCheckCode } from './rejectionCode.ts';

export interface ChainCandidate {
  record: MeterRecord;
  digest: string;
}

export type ChainVerdict =
  | { status: 'accept'; zone: string; isRegisteredMeter: boolean }
  | { status: 'duplicate' }
  | { status: 'reject'; code: RelayCheckCode; reason: string };

export interface ChainCheckOptions {
  nowS: number;
  clockSkewS: number;
  unknownMeterPolicy: UnknownMeterPolicy;
}

/** Registers of a record at its position in the chain (a seal's are its end registers). */
function registersOf(record: MeterRecord): { importWh: number; exportWh: number } {
  return record.kind === 'sample' ? { importWh: record.importWh, exportWh: record.exportWh } : { importWh: record.importEndWh, exportWh: record.exportEndWh };
}

function measuredAtS(record: MeterRecord): number {
  return record.kind === 'sample' ? record.timeS : record.endS;
}

/** Judges every candidate; the verdicts come back in the candidates' order. */
export function checkChain(candidates: readonly ChainCandidate[], context: ChainContext, options: ChainCheckOptions): ChainVerdict[] {
  const verdicts: ChainVerdict[] = new Array(candidates.length);
  const order = candidates.map((_, index) => index);
  order.sort((a, b) => {
    const ra = candidates[a]!.record;
    const rb = candidates[b]!.record;
    return ra.meter < rb.meter ? -1 : ra.meter > rb.meter ? 1 : ra.seq - rb.seq || a - b;
  });
  const links = new Map(context.links);
  const lastSeal = new Map<string, { seq: number; importEndWh: number; exportEndWh: number }>();
  for (const [meter, head] of context.heads) {
    if (head.lastSealSeq !== null) lastSeal.set(meter, { seq: head.lastSealSeq, importEndWh: head.lastSealImportEndWh ?? 0, exportEndWh: head.lastSealExportEndWh ?? 0 });
  }

  for (const index of order) {
    const { record, digest } = candidates[index]!;
    verdicts[index] = judge(record, digest);
  }
  return verdicts;

  function judge(record: MeterRecord, digest: string): ChainVerdict {
    const meterInfo = context.meters.get(record.meter);
    if (meterInfo === undefined && options.unknownMeterPolicy === 'reject') {
      return { status: 'reject', code: 'unknown_meter', reason: `meter ${record.meter} is not registered` };
    }
    const measuredS = measuredAtS(record);
    if (measuredS > options.nowS + options.clockSkewS) {
      return { status: 'reject', code: 'clock_skew', reason: `measurement time ${measuredS} is ${measuredS - options.nowS} s ahead of the relay clock (accepted: ${options.clockSkewS} s)` };
    }
    const own = links.get(linkKey(record.meter, record.seq));
    if (own !== undefined) {
      if (own.digest === digest) return { status: 'duplicate' };
      return { status: 'reject', code: 'chain_fork', reason: `seq ${record.seq} is already stored with digest ${own.digest}, got ${digest}` };
    }
    const registers = registersOf(record);
    if (record.seq === 0 && record.prev !== ZERO_DIGEST_HEX) {
      return { status: 'reject', code: 'chain_break', reason: `seq 0 must name the zero digest as prev, got ${record.prev}` };
    }
    const before = record.seq > 0 ? links.get(linkKey(record.meter, record.seq - 1)) : undefined;
    if (before !== undefined) {
      if (record.prev !== before.digest) {
        return { status: 'reject', code: 'chain_break', reason: `prev ${record.prev} differs from the digest ${before.digest} stored at seq ${record.seq - 1}` };
      }
      const rollback = compareRegisters(before, registers, `seq ${record.seq - 1}`);
      if (rollback !== undefined) return rollback;
    }
    const after = links.get(linkKey(record.meter, record.seq + 1));
    if (after !== undefined) {
      if (after.prev !== digest) {
        return { status: 'reject', code: 'chain_break', reason: `the record stored at seq ${record.seq + 1} names prev ${after.prev}, this record's digest is ${digest}` };
      }
      if (after.importWh < registers.importWh || after.exportWh < registers.exportWh) {
        return { status: 'reject', code: 'counter_rollback', reason: `registers ${registers.importWh}/${registers.exportWh} Wh exceed those stored at seq ${record.seq + 1} (${after.importWh}/${after.exportWh} Wh)` };
      }
    }
    if (record.kind === 'seal') {
      const previous = lastSeal.get(record.meter);
      if (previous !== undefined && previous.seq < record.seq && (record.importStartWh < previous.importEndWh || record.exportStartWh < previous.exportEndWh)) {
        return {
          status: 'reject',
          code: 'counter_rollback',
          reason: `seal starts at ${record.importStartWh}/${record.exportStartWh} Wh, below the end of the seal at seq ${previous.seq} (${previous.importEndWh}/${previous.exportEndWh} Wh)`,
        };
      }
      if (previous === undefined || previous.seq < record.seq) lastSeal.set(record.meter, { seq: record.seq, importEndWh: record.importEndWh, exportEndWh: record.exportEndWh });
    }
    links.set(linkKey(record.meter, record.seq), { digest, prev: record.prev, ...registers });
    return { status: 'accept', zone: meterInfo?.zone ?? 'unassigned', isRegisteredMeter: meterInfo?.isRegistered ?? false };
  }
}

function compareRegisters(before: StoredLink, registers: { importWh: number; exportWh: number }, where: string): ChainVerdict | undefined {
  if (registers.importWh < before.importWh) {
    return { status: 'reject', code: 'counter_rollback', reason: `import register ran backwards: ${before.importWh} Wh at ${where} → ${registers.importWh} Wh` };
  }
  if (registers.exportWh < before.exportWh) {
    return { status: 'reject', code: 'counter_rollback', reason: `export register ran backwards: ${before.exportWh} Wh at ${where} → ${registers.exportWh} Wh` };
  }
  return undefined;
}

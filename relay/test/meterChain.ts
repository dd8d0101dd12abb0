/**
 * Test meters: a key and a valid hash chain of samples and signed seals, built with the protocol's own
 * functions (`recordDigestHex`, `signSeal`), plus the wire JSON and topic of each record.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { addressFromPublicKey } from '../../shared/protocol/meterAddress.ts';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import type { MeterRecord, SampleRecord, SealRecord } from '../../shared/protocol/recordTypes.ts';
import { ZERO_DIGEST_HEX } from '../../shared/protocol/recordTypes.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { meterTopic } from '../../shared/protocol/topics.ts';
import { encodeRecordJson } from '../../shared/protocol/wireCodec.ts';

export interface TestMeter {
  privateKey: Uint8Array;
  address: string;
  seq: number;
  prev: string;
  importWh: number;
  exportWh: number;
  timeS: number;
  /** Samples since the last seal, and the registers at the last seal. */
  samplesSinceSeal: number;
  intervalStartS: number;
  intervalImportStartWh: number;
  intervalExportStartWh: number;
}

/** A meter with a deterministic key derived from `index` (so runs are reproducible). */
export function createTestMeter(index: number, startTimeS = 1_767_225_600): TestMeter {
  const privateKey = new Uint8Array(32);
  privateKey[0] = 0x11;
  new DataView(privateKey.buffer).setUint32(28, index + 1);
  const address = addressFromPublicKey(secp256k1.getPublicKey(privateKey, false));
  return { privateKey, address, seq: 0, prev: ZERO_DIGEST_HEX, importWh: 1000, exportWh: 2000, timeS: startTimeS, samplesSinceSeal: 0, intervalStartS: startTimeS, intervalImportStartWh: 1000, intervalExportStartWh: 2000 };
}

function advance(meter: TestMeter, record: MeterRecord): MeterRecord {
  meter.prev = recordDigestHex(record);
  meter.seq += 1;
  return record;
}

/** The next sample: 10 s later, export register up by 3 Wh. */
export function nextSample(meter: TestMeter): SampleRecord {
  meter.timeS += 10;
  meter.exportWh += 3;
  meter.importWh += 1;
  meter.samplesSinceSeal += 1;
  const record: SampleRecord = {
    v: 1, kind: 'sample', meter: meter.address, seq: meter.seq, prev: meter.prev, timeS: meter.timeS,
    importWh: meter.importWh, exportWh: meter.exportWh, powerW: -1200, voltageDv: 2310, currentMa: 5200, powerFactorPermille: 990,
  };
  return advance(meter, record) as SampleRecord;
}

/** The seal of the interval since the last seal, signed with the meter's key. */
export function nextSeal(meter: TestMeter): SealRecord {
  const endS = Math.max(meter.timeS, meter.intervalStartS + 1);
  const record = signSeal(
    {
      v: 1, kind: 'seal', meter: meter.address, seq: meter.seq, prev: meter.prev, startS: meter.intervalStartS, endS,
      importStartWh: meter.intervalImportStartWh, importEndWh: meter.importWh, exportStartWh: meter.intervalExportStartWh, exportEndWh: meter.exportWh,
      sampleCount: meter.samplesSinceSeal,
    },
    meter.privateKey,
  );
  meter.intervalStartS = endS;
  meter.intervalImportStartWh = meter.importWh;
  meter.intervalExportStartWh = meter.exportWh;
  meter.samplesSinceSeal = 0;
  return advance(meter, record) as SealRecord;
}

/** `samplesPerSeal` samples then a seal, `intervals` times. */
export function buildChain(meter: TestMeter, intervals: number, samplesPerSeal: number): MeterRecord[] {
  const records: MeterRecord[] = [];
  for (let i = 0; i < intervals; i++) {
    for (let j = 0; j < samplesPerSeal; j++) records.push(nextSample(meter));
    records.push(nextSeal(meter));
  }
  return records;
}

/** Topic (under `prefix`) and wire JSON of a record. */
export function wireMessage(record: MeterRecord, prefix: string): { topic: string; payload: string } {
  return { topic: prefix + meterTopic(record.meter, record.kind), payload: encodeRecordJson(record) };
}


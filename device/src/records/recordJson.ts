/**
 * The wire JSON of protocol v1 records, written by the meter (docs/protocol.md §"Wire format"): fields in the
 * documented order, no whitespace, integers as plain decimal. The same text `encodeRecordJson` in
 * shared/protocol/wireCodec.ts produces (a test checks it against the vectors); kept separate because that
 * module builds lookup tables with spread and a TextDecoder at load time, which the interpreter lacks.
 */
import type { SampleRecord, SealRecord, UnsignedSealRecord } from '../../../shared/protocol/recordTypes.ts';
import { integerText } from './integerText.ts';

function field(name: string, value: number | string): string {
  return typeof value === 'string' ? '"' + name + '":"' + value + '"' : '"' + name + '":' + integerText(value);
}

function header(kind: string, meter: string, seq: number, prev: string): string {
  return '{"v":1,"kind":"' + kind + '",' + field('meter', meter) + ',' + field('seq', seq) + ',' + field('prev', prev);
}

/** Wire JSON of a sample. */
export function sampleJson(sample: SampleRecord): string {
  return (
    header('sample', sample.meter, sample.seq, sample.prev) +
    ',' + field('timeS', sample.timeS) +
    ',' + field('importWh', sample.importWh) +
    ',' + field('exportWh', sample.exportWh) +
    ',' + field('powerW', sample.powerW) +
    ',' + field('voltageDv', sample.voltageDv) +
    ',' + field('currentMa', sample.currentMa) +
    ',' + field('powerFactorPermille', sample.powerFactorPermille) +
    '}'
  );
}

function sealBody(seal: UnsignedSealRecord): string {
  return (
    header('seal', seal.meter, seal.seq, seal.prev) +
    ',' + field('startS', seal.startS) +
    ',' + field('endS', seal.endS) +
    ',' + field('importStartWh', seal.importStartWh) +
    ',' + field('importEndWh', seal.importEndWh) +
    ',' + field('exportStartWh', seal.exportStartWh) +
    ',' + field('exportEndWh', seal.exportEndWh) +
    ',' + field('sampleCount', seal.sampleCount)
  );
}

/** Wire JSON of a signed seal. */
export function sealJson(seal: SealRecord): string {
  return sealBody(seal) + ',' + field('sig', seal.sig) + '}';
}

/** JSON of a seal not yet signed: what the queue stores (the signature is deterministic, made at send time). */
export function unsignedSealJson(seal: UnsignedSealRecord): string {
  return sealBody(seal) + '}';
}

/** Completes stored unsigned-seal JSON with its signature (hex), giving the wire JSON. */
export function withSignature(unsignedJson: string, sigHex: string): string {
  return unsignedJson.substring(0, unsignedJson.length - 1) + ',"sig":"' + sigHex + '"}';
}

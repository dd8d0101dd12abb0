/**
 * Generators of hostile MQTT traffic for the fuzz test, from a seeded PRNG so that a failing run can be
 * replayed: byte flips, truncations, binary noise, oversized bodies, hostile field values and keys, replays,
 * forks, forged and re-signed seals, wrong and garbage topics, broken statuses.
 */
import type { MeterRecord, SealRecord } from '../../shared/protocol/recordTypes.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { meterTopic } from '../../shared/protocol/topics.ts';
import { encodeRecordJson } from '../../shared/protocol/wireCodec.ts';
import type { TestMeter } from './meterChain.ts';

export interface HostileMessage {
  topic: string;
  payload: Uint8Array;
  /** What the generator meant to do (for failure messages). */
  kind: string;
}

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hostileValues: unknown[] = [
  -1, 1.5, 1e308, 2 ** 53, 2 ** 64, '1', '', null, true, [], {}, [1, 2], { a: 1 }, 'NaN', -0,
  "'; DROP TABLE samples; --", '\u0000', '\u001b[31m', '😀'.repeat(50), '\ud800', 'A'.repeat(900), '0x' + 'G'.repeat(40), '0X00',
];
const hostileKeys = ['__proto__', 'constructor', 'prototype', '\u0000', 'seq ', 'SEQ', '😀', "'; --", 'x'.repeat(200)];

export function hostileGenerator(random: () => number, meters: readonly TestMeter[], validRecords: readonly MeterRecord[], prefix: string, outsider: TestMeter) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const encoder = new TextEncoder();
  const bytes = (text: string) => encoder.encode(text);
  const topicOf = (record: MeterRecord) => prefix + meterTopic(record.meter, record.kind);

  const generators: Record<string, () => HostileMessage> = {
    byteFlip() {
      const record = pick(validRecords);
      const payload = bytes(encodeRecordJson(record));
      const flips = 1 + Math.floor(random() * 3);
      for (let i = 0; i < flips; i++) payload[Math.floor(random() * payload.length)] = Math.floor(random() * 256);
      return { topic: topicOf(record), payload, kind: 'byteFlip' };
    },
    truncate() {
      const record = pick(validRecords);
      const payload = bytes(encodeRecordJson(record));
      return { topic: topicOf(record), payload: payload.subarray(0, Math.floor(random() * payload.length)), kind: 'truncate' };
    },
    binary() {
      const payload = new Uint8Array(Math.floor(random() * 1500));
      for (let i = 0; i < payload.length; i++) payload[i] = Math.floor(random() * 256);
      return { topic: prefix + meterTopic(pick(meters).address, pick(['sample', 'seal', 'status'] as const)), payload, kind: 'binary' };
    },
    oversized() {
      const record = pick(validRecords);
      const json = encodeRecordJson(record);
      return { topic: topicOf(record), payload: bytes(json.slice(0, -1) + ',"pad":"' + 'x'.repeat(1025 + Math.floor(random() * 4000)) + '"}'), kind: 'oversized' };
    },
    hostileValue() {
      const record = pick(validRecords);
      const fields = JSON.parse(encodeRecordJson(record)) as Record<string, unknown>;
      fields[pick(Object.keys(fields))] = pick(hostileValues);
      return { topic: topicOf(record), payload: bytes(JSON.stringify(fields)), kind: 'hostileValue' };
    },
    hostileKey() {
      const record = pick(validRecords);
      const json = encodeRecordJson(record);
      return { topic: topicOf(record), payload: bytes(json.slice(0, -1) + `,${JSON.stringify(pick(hostileKeys))}:1}`), kind: 'hostileKey' };
    },
    missingField() {
      const record = pick(validRecords);
      const fields = JSON.parse(encodeRecordJson(record)) as Record<string, unknown>;
      delete fields[pick(Object.keys(fields))];
      return { topic: topicOf(record), payload: bytes(JSON.stringify(fields)), kind: 'missingField' };
    },
    replay() {
      const record = pick(validRecords);
      return { topic: topicOf(record), payload: bytes(encodeRecordJson(record)), kind: 'replay' };
    },
    fork() {
      const record = pick(validRecords.filter((r) => r.kind === 'sample'));
      const forged = { ...record, powerW: (record as { powerW: number }).powerW + 1 + Math.floor(random() * 100) } as MeterRecord;
      return { topic: topicOf(forged), payload: bytes(encodeRecordJson(forged)), kind: 'fork' };
    },
    tamperedSeal() {
      const seal = pick(validRecords.filter((r): r is SealRecord => r.kind === 'seal'));
      const tampered: SealRecord = { ...seal, exportEndWh: seal.exportEndWh + 1 + Math.floor(random() * 1000) };
      return { topic: topicOf(tampered), payload: bytes(encodeRecordJson(tampered)), kind: 'tamperedSeal' };
    },
    resignedSeal() {
      // A seal naming a real meter, signed with another key: only the signature check can refuse it.
      const seal = pick(validRecords.filter((r): r is SealRecord => r.kind === 'seal'));
      const { sig: _sig, ...unsigned } = seal;
      const forged = signSeal({ ...unsigned, exportEndWh: seal.exportEndWh + 500 }, outsider.privateKey);
      return { topic: topicOf(forged), payload: bytes(encodeRecordJson(forged)), kind: 'resignedSeal' };
    },
    wrongMeterTopic() {
      const record = pick(validRecords);
      return { topic: prefix + meterTopic(pick(meters).address === record.meter ? outsider.address : pick(meters).address, record.kind), payload: bytes(encodeRecordJson(record)), kind: 'wrongMeterTopic' };
    },
    garbageTopic() {
      const record = pick(validRecords);
      const topics = [`${prefix}pet/v1/meters/${record.meter}/sample/extra`, `${prefix}pet/v2/meters/${record.meter}/sample`, `${prefix}pet/v1/meters/${record.meter.toUpperCase()}/sample`, `${prefix}pet/v1/meters/😀/seal`, `${prefix}pet/v1/meters/${'a'.repeat(300)}/x`, `${prefix}pet/v1/meters/'; DROP TABLE rejections; --/status`];
      return { topic: pick(topics), payload: bytes(encodeRecordJson(record)), kind: 'garbageTopic' };
    },
    badStatus() {
      const payloads = ['{"v":1}', 'null', '[]', '{"v":1,"state":"online","seq":-1,"queued":0,"dropped":0,"uptimeS":0}', '{"v":1,"state":"\u0000","seq":1,"queued":0,"dropped":0,"uptimeS":0}', '"online"', '{"v":1,"state":"online","seq":1,"queued":0,"dropped":0,"uptimeS":0,"x":{}}'];
      return { topic: prefix + meterTopic(pick(meters).address, 'status'), payload: bytes(pick(payloads)), kind: 'badStatus' };
    },
  };
  const names = Object.keys(generators);
  return (): HostileMessage => generators[pick(names)]!();
}

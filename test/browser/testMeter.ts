/**
 * A protocol-v1 meter in the test process: keeps its hash chain and registers, builds samples and signed seals
 * (shared/protocol), and publishes them to a broker as a clamp would (QoS 1, one topic per record kind).
 */
import type { MqttClient } from 'mqtt';
import { sha256 } from '@noble/hashes/sha2.js';
import { addressFromPrivateKey } from '../../shared/protocol/meterAddress.ts';
import { recordDigestHex } from '../../shared/protocol/recordDigest.ts';
import { ZERO_DIGEST_HEX, type MeterRecord, type SampleRecord } from '../../shared/protocol/recordTypes.ts';
import { signSeal } from '../../shared/protocol/sealSignature.ts';
import { meterTopic } from '../../shared/protocol/topics.ts';
import { encodeRecordJson } from '../../shared/protocol/wireCodec.ts';

/** A meter key derived from a label, so runs are reproducible. */
export function testMeterKey(label: string): Uint8Array {
  return sha256(new TextEncoder().encode(`peer-energy-trader browser test meter ${label}`));
}

export class TestMeter {
  readonly address: string;
  #seq = 0;
  #prev = ZERO_DIGEST_HEX;
  #importWh: number;
  #exportWh: number;
  #lastTimeS: number | undefined;
  #sealStart: { timeS: number; importWh: number; exportWh: number; sampleCount: number } | undefined;

  constructor(
    private readonly privateKey: Uint8Array,
    registers: { importWh: number; exportWh: number },
  ) {
    this.address = addressFromPrivateKey(privateKey);
    this.#importWh = registers.importWh;
    this.#exportWh = registers.exportWh;
  }

  /**
   * The next sample: `powerW` held since the previous sample moves the import (positive) or export (negative)
   * register by powerW × Δt / 3600, rounded down.
   */
  sample(timeS: number, powerW: number, voltageDv = 2300): SampleRecord {
    if (this.#lastTimeS !== undefined) {
      const energyWh = Math.floor((Math.abs(powerW) * (timeS - this.#lastTimeS)) / 3600);
      if (powerW >= 0) this.#importWh += energyWh;
      else this.#exportWh += energyWh;
    }
    this.#sealStart ??= { timeS, importWh: this.#importWh, exportWh: this.#exportWh, sampleCount: 0 };
    this.#sealStart.sampleCount += 1;
    this.#lastTimeS = timeS;
    const record: SampleRecord = {
      v: 1,
      kind: 'sample',
      meter: this.address,
      seq: this.#seq,
      prev: this.#prev,
      timeS,
      importWh: this.#importWh,
      exportWh: this.#exportWh,
      powerW,
      voltageDv,
      currentMa: Math.round((Math.abs(powerW) * 1_000_000) / (voltageDv * 100 * 0.95)),
      powerFactorPermille: 950,
    };
    return this.#chain(record);
  }

  /** Seals the interval from the first unsealed sample to `endS`, signed with the meter's key. */
  seal(endS: number): MeterRecord {
    const start = this.#sealStart ?? { timeS: endS - 1, importWh: this.#importWh, exportWh: this.#exportWh, sampleCount: 0 };
    const record = signSeal(
      {
        v: 1,
        kind: 'seal',
        meter: this.address,
        seq: this.#seq,
        prev: this.#prev,
        startS: start.timeS,
        endS,
        importStartWh: start.importWh,
        importEndWh: this.#importWh,
        exportStartWh: start.exportWh,
        exportEndWh: this.#exportWh,
        sampleCount: start.sampleCount,
      },
      this.privateKey,
    );
    this.#sealStart = { timeS: endS, importWh: this.#importWh, exportWh: this.#exportWh, sampleCount: 0 };
    return this.#chain(record);
  }

  #chain<R extends MeterRecord>(record: R): R {
    this.#seq += 1;
    this.#prev = recordDigestHex(record);
    return record;
  }
}

/** Publishes records on their protocol topics (QoS 1), in order. */
export async function publishRecords(client: MqttClient, records: readonly MeterRecord[], topicPrefix = ''): Promise<void> {
  for (const record of records) {
    await client.publishAsync(`${topicPrefix}${meterTopic(record.meter, record.kind)}`, encodeRecordJson(record), { qos: 1 });
  }
}

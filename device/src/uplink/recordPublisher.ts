/**
 * Sends queued records in seq order as QoS 1 PUBLISH on the meter's `sample` and `seal` topics, signing each seal
 * just before it goes out (the queue keeps seals unsigned; RFC 6979 makes the signature the same whenever it is
 * made, so a reboot mid-signature loses nothing). A record leaves flash only at {@link RecordPublisher.acknowledgeUpTo}.
 */
import type { UnsignedSealRecord } from '../../../shared/protocol/recordTypes.ts';
import type { MqttClient } from '../mqtt/mqttClient.ts';
import type { Sha256Function as Sha256 } from '../crypto/sha256Function.ts';
import type { QueueEntry, StorageRing } from '../queue/storageRing.ts';
import { bytesToHex } from '../records/digestHex.ts';
import { sealDigest } from '../records/hashChain.ts';
import { withSignature } from '../records/recordJson.ts';
import { signInSlices } from './signInSlices.ts';
import type { CreateSigningJob } from './signingJob.ts';

export interface RecordPublisherOptions {
  ring: StorageRing;
  client: MqttClient;
  sha256: Sha256;
  privateKey: Uint8Array;
  createSigningJob: CreateSigningJob;
  limbProductsPerSlice: number;
  sampleTopic: string;
  sealTopic: string;
  onProblem(problem: { code: string; message: string }): void;
}

export interface RecordPublisher {
  /** Publishes as many queued records as the in-flight window allows. Call after new records and on connect. */
  pump(): void;
  /**
   * The acknowledgement point: everything up to `seq` is delivered and leaves flash. Today PUBACK calls it
   * (through the contiguous watermark below); the relay's end-to-end watermark on the `cmd` topic can call it
   * instead without touching anything else.
   */
  acknowledgeUpTo(seq: number): void;
  /** Sends again from `seq` on (a relay that found a gap asks for it); records already erased cannot return. */
  rewindTo(seq: number): void;
  sentSeq(): number;
  signedSeals(): number;
}

const SEAL_MARK = '"kind":"seal"';

export function createRecordPublisher(options: RecordPublisherOptions): RecordPublisher {
  const ring = options.ring;
  const client = options.client;
  let sentSeq = ring.acknowledgedSeq();
  let watermark = ring.acknowledgedSeq();
  let ackedAbove: { [seq: string]: boolean } = {};
  let signing: { seq: number; json: string | undefined } | undefined;
  let signedCount = 0;

  function onPuback(seq: number): void {
    // A PUBACK frees a slot in the in-flight window: fill it. Without this, a meter whose window was full when
    // its last seal finished signing waited for the next measurement to send it (for ever once measuring stops).
    publisher.pump();
    // A full ring drops its oldest records and moves its acknowledgement point past them: those never get a
    // PUBACK, so the watermark jumps with the ring, or it would wait for them for ever and nothing would leave
    // flash again.
    const droppedUpTo = ring.acknowledgedSeq();
    if (droppedUpTo > watermark) {
      watermark = droppedUpTo;
      for (const key in ackedAbove) if (parseInt(key, 10) <= watermark) delete ackedAbove[key];
    }
    if (seq <= watermark) return;
    ackedAbove[seq] = true;
    let next = watermark;
    while (ackedAbove[next + 1] === true) {
      delete ackedAbove[next + 1];
      next++;
    }
    if (next > watermark) {
      watermark = next;
      publisher.acknowledgeUpTo(next);
    }
  }

  function startSigning(entry: QueueEntry): void {
    signing = { seq: entry.seq, json: undefined };
    const seal = JSON.parse(entry.json) as UnsignedSealRecord;
    const digest = sealDigest(options.sha256, seal);
    let job;
    try {
      job = options.createSigningJob(options.privateKey, digest, options.sha256);
    } catch (error) {
      signing = undefined;
      options.onProblem({ code: 'signing_failed', message: String((error as any).message || error) });
      return;
    }
    signInSlices(
      job,
      options.limbProductsPerSlice,
      (signature) => {
        signedCount++;
        if (signing !== undefined && signing.seq === entry.seq) signing.json = withSignature(entry.json, bytesToHex(signature));
        publisher.pump();
      },
      (problem) => {
        signing = undefined;
        options.onProblem(problem);
      },
    );
  }

  function send(seq: number, topic: string, json: string): boolean {
    return client.publishAtLeastOnce(topic, json, false, () => onPuback(seq));
  }

  const publisher: RecordPublisher = {
    pump(): void {
      while (client.isConnected() && client.hasRoom()) {
        const entries = ring.entriesAfter(sentSeq, 1);
        const entry = entries[0];
        if (entry === undefined) return;
        if (entry.json.indexOf(SEAL_MARK) >= 0) {
          if (signing === undefined || signing.seq !== entry.seq) {
            startSigning(entry);
            return;
          }
          if (signing.json === undefined) return; // still signing; the job pumps again when done
          if (!send(entry.seq, options.sealTopic, signing.json)) return;
          signing = undefined;
        } else if (!send(entry.seq, options.sampleTopic, entry.json)) {
          return;
        }
        sentSeq = entry.seq;
      }
    },
    acknowledgeUpTo(seq: number): void {
      ring.acknowledgeUpTo(seq);
      if (watermark < seq) watermark = seq;
      if (sentSeq < seq) sentSeq = seq;
    },
    rewindTo(seq: number): void {
      const target = Math.max(seq - 1, ring.acknowledgedSeq());
      if (target < sentSeq) sentSeq = target;
      ackedAbove = {};
    },
    sentSeq: () => sentSeq,
    signedSeals: () => signedCount,
  };
  return publisher;
}

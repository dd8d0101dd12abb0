/**
 * Sends queued records in seq order as QoS 1 PUBLISH on the meter's `sample` and `seal` topics, signing each seal
 * just before it goes out (the queue keeps seals unsigned; RFC 6979 makes the signature the same whenever it is
 * made, so a reboot mid-signature loses nothing).
 *
 * End-to-end delivery (docs/protocol.md, the `ack` and `resend` commands): a record leaves flash only when the
 * relay's watermark `ack` covers it and names the digest of the meter's own record at that seq. A broker PUBACK
 * only frees an MQTT in-flight slot — a broker may drop a message after its PUBACK. Records sent and not yet
 * acknowledged are bounded by a window that halves on trouble and grows by one per ack (AIMD); when no ack moves
 * the watermark for a while, everything after it goes again (go-back-N) with a timeout that doubles.
 *
 * State is a handful of counters: the acknowledged point lives in the ring, the send pointer is one seq.
 */
import type { UnsignedSealRecord } from '../../../shared/protocol/recordTypes.ts';
import type { MqttClient } from '../mqtt/mqttClient.ts';
import type { Sha256Function as Sha256 } from '../crypto/sha256Function.ts';
import type { QueueEntry, StorageRing } from '../queue/storageRing.ts';
import { bytesToHex } from '../records/digestHex.ts';
import type { ChainHead } from '../records/hashChain.ts';
import { sampleDigest, sealDigest } from '../records/hashChain.ts';
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
  /** Most records sent beyond the acknowledged point (config mqtt.ackWindowRecords). */
  ackWindowRecords: number;
  /** Seconds without an ack that moves the watermark before sending again from it (config mqtt.ackTimeoutS). */
  ackTimeoutS: number;
  /** The meter's clock, seconds (Espruino's `getTime`). */
  nowS(): number;
  /** The record log's chain head, if at hand: the digest of the newest record without reading flash. */
  chainHead?: () => ChainHead;
  onProblem(problem: { code: string; message: string }): void;
  /** The relay asked for records the meter no longer holds: its status (with heldFromSeq) should go out now. */
  onStatusDue(): void;
}

/** What an `ack` did: released records, was not beyond the acknowledged point, or was refused (reported). */
export type AckOutcome = 'released' | 'stale' | 'refused';

/** Delivery figures for the console and tests. */
export interface DeliveryFigures {
  /** Lowest seq still held in flash (acknowledged point + 1). */
  heldFromSeq: number;
  /** Highest seq handed to MQTT since the last rewind. */
  sentSeq: number;
  /** The usable window now (1 … ackWindowRecords). */
  windowRecords: number;
  /** Acks refused: no record at that seq, or a different digest. */
  ackRefused: number;
  resendRequests: number;
  retransmitTimeouts: number;
  signedSeals: number;
}

export interface RecordPublisher {
  /** Publishes as many queued records as the ack window and the MQTT in-flight window allow. */
  pump(): void;
  /** The relay's watermark: releases every record ≤ `uptoSeq` if the meter's record `uptoSeq` has `digestHex`. */
  acknowledge(uptoSeq: number, digestHex: string): AckOutcome;
  /** The relay misses `fromSeq`: send again from max(fromSeq, heldFromSeq). */
  resend(fromSeq: number): void;
  /** After every (re)connect: send again from the acknowledged point. */
  resume(): void;
  /** The retransmission timer; call about once a second. */
  tick(): void;
  /** The meter's clock was set `deltaS` forward (or back): the timer keeps measuring the same wait. */
  shiftClock(deltaS: number): void;
  heldFromSeq(): number;
  figures(): DeliveryFigures;
}

const SEAL_MARK = '"kind":"seal"';
const PREV_MARK = '"prev":"';
/** `0x` and 64 hex digits. */
const DIGEST_TEXT_LENGTH = 66;
/** The retransmission timeout doubles up to this (or the configured timeout, if longer). */
const MAX_ACK_TIMEOUT_S = 120;
/** Signed seals kept for a go-back-N resend (a signature costs seconds on the board; ~500 bytes each). */
const SIGNED_SEALS_KEPT = 2;

interface SignedSeal {
  seq: number;
  json: string;
}

/** The `prev` field of record JSON (the digest of the record before), or undefined. */
function prevOf(json: string): string | undefined {
  const start = json.indexOf(PREV_MARK);
  if (start < 0) return undefined;
  const prev = json.substring(start + PREV_MARK.length, start + PREV_MARK.length + DIGEST_TEXT_LENGTH);
  return prev.length === DIGEST_TEXT_LENGTH ? prev : undefined;
}

export function createRecordPublisher(options: RecordPublisherOptions): RecordPublisher {
  const ring = options.ring;
  const client = options.client;
  const windowMax = Math.max(1, Math.floor(options.ackWindowRecords));
  const timeoutMaxS = Math.max(MAX_ACK_TIMEOUT_S, options.ackTimeoutS);
  let sentSeq = ring.acknowledgedSeq();
  let windowRecords = windowMax;
  let timeoutS = options.ackTimeoutS;
  // Since when the outstanding records have waited for an ack that moves the watermark.
  let waitingSinceS = options.nowS();
  let signingSeq = -1;
  let signed: SignedSeal[] = [];
  let signedCount = 0;
  let ackRefused = 0;
  let resendRequests = 0;
  let retransmitTimeouts = 0;

  function signedJson(seq: number): string | undefined {
    for (let i = 0; i < signed.length; i++) if ((signed[i] as SignedSeal).seq === seq) return (signed[i] as SignedSeal).json;
    return undefined;
  }

  function keepSigned(seq: number, json: string): void {
    const acknowledged = ring.acknowledgedSeq();
    const kept: SignedSeal[] = [];
    for (let i = 0; i < signed.length; i++) {
      const seal = signed[i] as SignedSeal;
      if (seal.seq > acknowledged && seal.seq !== seq) kept.push(seal);
    }
    while (kept.length >= SIGNED_SEALS_KEPT) kept.shift();
    kept.push({ seq, json });
    signed = kept;
  }

  function startSigning(entry: QueueEntry): void {
    signingSeq = entry.seq;
    const seal = JSON.parse(entry.json) as UnsignedSealRecord;
    const digest = sealDigest(options.sha256, seal);
    let job;
    try {
      job = options.createSigningJob(options.privateKey, digest, options.sha256);
    } catch (error) {
      signingSeq = -1;
      options.onProblem({ code: 'signing_failed', message: String((error as any).message || error) });
      return;
    }
    signInSlices(
      job,
      options.limbProductsPerSlice,
      (signature) => {
        signedCount++;
        signingSeq = -1;
        keepSigned(entry.seq, withSignature(entry.json, bytesToHex(signature)));
        publisher.pump();
      },
      (problem) => {
        signingSeq = -1;
        options.onProblem(problem);
      },
    );
  }

  // A PUBACK frees an MQTT in-flight slot: fill it. It says nothing about delivery to the relay.
  function onPuback(): void {
    publisher.pump();
  }

  /** Digest of the held record `seq` as `0x` hex, or undefined when the queue does not hold it. */
  function heldDigest(seq: number): string | undefined {
    const head = options.chainHead === undefined ? undefined : options.chainHead();
    if (head !== undefined && head.nextSeq - 1 === seq) return head.prevHex;
    const entries = ring.entriesAfter(seq - 1, 2);
    const entry = entries[0];
    if (entry === undefined || entry.seq !== seq) return undefined;
    // Cheaper than hashing: the next record names this one's digest as its `prev`.
    const next = entries[1];
    const nextPrev = next !== undefined && next.seq === seq + 1 ? prevOf(next.json) : undefined;
    if (nextPrev !== undefined) return nextPrev;
    const record = JSON.parse(entry.json);
    return bytesToHex(record.kind === 'seal' ? sealDigest(options.sha256, record) : sampleDigest(options.sha256, record));
  }

  function shrinkWindow(): void {
    windowRecords = Math.max(1, Math.floor(windowRecords / 2));
  }

  function refuse(message: string): AckOutcome {
    ackRefused++;
    options.onProblem({ code: 'ack_refused', message });
    return 'refused';
  }

  const publisher: RecordPublisher = {
    pump(): void {
      while (client.isConnected() && client.hasRoom()) {
        const acknowledged = ring.acknowledgedSeq();
        // A full ring moves the acknowledged point past the records it dropped: those cannot be sent.
        if (sentSeq < acknowledged) sentSeq = acknowledged;
        if (sentSeq - acknowledged >= windowRecords) return;
        const entry = ring.entriesAfter(sentSeq, 1)[0];
        if (entry === undefined) return;
        let topic = options.sampleTopic;
        let json = entry.json;
        if (json.indexOf(SEAL_MARK) >= 0) {
          const signedText = signedJson(entry.seq);
          if (signedText === undefined) {
            // One job at a time; a job pumps again when done (then this seal's turn comes).
            if (signingSeq < 0) startSigning(entry);
            return;
          }
          topic = options.sealTopic;
          json = signedText;
        }
        if (!client.publishAtLeastOnce(topic, json, false, onPuback)) return;
        if (sentSeq <= acknowledged) waitingSinceS = options.nowS();
        sentSeq = entry.seq;
      }
    },
    acknowledge(uptoSeq: number, digestHex: string): AckOutcome {
      const acknowledged = ring.acknowledgedSeq();
      if (uptoSeq <= acknowledged) return 'stale';
      const held = heldDigest(uptoSeq);
      if (held === undefined) {
        return refuse('ack up to seq ' + uptoSeq + ' refused: no record ' + uptoSeq + ' held (held from ' + (acknowledged + 1) + ')');
      }
      if (held !== digestHex) {
        return refuse('ack up to seq ' + uptoSeq + ' refused: digest ' + digestHex.substring(0, 18) + '... differs from the record held (' + held.substring(0, 18) + '...)');
      }
      ring.acknowledgeUpTo(uptoSeq);
      if (sentSeq < uptoSeq) sentSeq = uptoSeq;
      if (windowRecords < windowMax) windowRecords++;
      timeoutS = options.ackTimeoutS;
      waitingSinceS = options.nowS();
      publisher.pump();
      return 'released';
    },
    resend(fromSeq: number): void {
      resendRequests++;
      const heldFrom = ring.acknowledgedSeq() + 1;
      const target = Math.max(fromSeq, heldFrom) - 1;
      if (target < sentSeq) sentSeq = target;
      shrinkWindow();
      waitingSinceS = options.nowS();
      if (fromSeq < heldFrom) options.onStatusDue();
      publisher.pump();
    },
    resume(): void {
      sentSeq = ring.acknowledgedSeq();
      waitingSinceS = options.nowS();
      publisher.pump();
    },
    tick(): void {
      if (!client.isConnected()) return;
      const acknowledged = ring.acknowledgedSeq();
      if (sentSeq <= acknowledged) return;
      const nowS = options.nowS();
      if (nowS - waitingSinceS < timeoutS) return;
      retransmitTimeouts++;
      timeoutS = Math.min(timeoutS * 2, timeoutMaxS);
      shrinkWindow();
      sentSeq = acknowledged;
      waitingSinceS = nowS;
      publisher.pump();
    },
    shiftClock(deltaS: number): void {
      waitingSinceS += deltaS;
    },
    heldFromSeq: () => ring.acknowledgedSeq() + 1,
    figures: () => ({
      heldFromSeq: ring.acknowledgedSeq() + 1,
      sentSeq,
      windowRecords,
      ackRefused,
      resendRequests,
      retransmitTimeouts,
      signedSeals: signedCount,
    }),
  };
  return publisher;
}

/**
 * The meter's MQTT 3.1.1 client: a persistent session (Clean Session 0, §3.1.2.4) so the broker keeps the
 * subscription and our in-flight QoS 1 messages across reconnects; QoS 1 PUBLISH kept until PUBACK and sent
 * again with DUP set (§4.3.2, §4.4); PINGREQ keep-alive (§3.1.2.10); a Last Will (§3.1.2.5); reconnects with
 * exponential backoff and jitter so a neighbourhood of meters does not reconnect in step.
 */
import { dispatchPacket } from './packetHandlers.ts';
import type { ConnectOptions } from './packets.ts';
import { buildConnect, buildDisconnect, buildPingreq, buildPublish, buildSubscribe } from './packets.ts';
import { createPacketReader } from './packetReader.ts';
import type { SessionContext } from './sessionContext.ts';
import type { OpenTransport, Transport } from './transport.ts';

/** Client settings (seconds are on the meter's clock). */
export interface MqttClientOptions {
  connect: ConnectOptions;
  /**
   * The Last Will's payload for the next CONNECT, asked for at every connection attempt (the Will travels in
   * CONNECT, MQTT-3.1.1 §3.1.3.3, so a figure in it is as fresh as the last connection). Default: `connect.will`'s.
   */
  willPayload?: () => string;
  openTransport: OpenTransport;
  /** Topic filters subscribed at QoS 1 after every CONNACK. */
  subscriptions: string[];
  /** Re-send an unacknowledged PUBLISH after this long on the same connection. */
  retryS: number;
  backoffMinS: number;
  backoffMaxS: number;
  /** Most QoS 1 messages awaiting PUBACK at once (the broker's own limit is often 20). */
  maxInflight: number;
  onConnected(isSessionPresent: boolean): void;
  onDisconnected(reason: string): void;
  onMessage(topic: string, payload: string): void;
}

interface InflightMessage {
  packetId: number;
  topic: string;
  payload: string;
  isRetained: boolean;
  sentAtS: number;
  onAcknowledged: () => void;
}

/** Counters for the status topic and tests. */
export interface MqttClientStats {
  connects: number;
  disconnects: number;
  published: number;
  retransmitted: number;
  acknowledged: number;
}

export interface MqttClient {
  start(): void;
  /** Sends DISCONNECT (the broker drops the Will) and stops reconnecting. */
  stop(): void;
  isConnected(): boolean;
  /** Room for another QoS 1 message? */
  hasRoom(): boolean;
  /** QoS 1 publish; `onAcknowledged` runs at PUBACK. Returns false when the in-flight window is full. */
  publishAtLeastOnce(topic: string, payload: string, isRetained: boolean, onAcknowledged: () => void): boolean;
  /** QoS 0 publish when connected (status messages); returns false when not sent. */
  publishAtMostOnce(topic: string, payload: string, isRetained: boolean): boolean;
  inflightCount(): number;
  stats(): MqttClientStats;
}

/** Creates a client; nothing happens until `start()`. */
export function createMqttClient(options: MqttClientOptions): MqttClient {
  const inflight: InflightMessage[] = [];
  const stats: MqttClientStats = { connects: 0, disconnects: 0, published: 0, retransmitted: 0, acknowledged: 0 };
  let transport: Transport | undefined;
  let isOpen = false;
  let isAccepted = false;
  let isStopped = true;
  let failedAttempts = 0;
  let nextPacketId = 1;
  let lastSentS = 0;
  let pingSentAtS = 0;
  let connectStartedS = 0;
  let tickTimer: any;
  let reconnectTimer: any;

  const keepAliveS = options.connect.keepAliveS;
  const tickS = Math.max(0.2, Math.min(keepAliveS > 0 ? keepAliveS / 4 : 5, options.retryS / 2));

  function send(bytes: string): void {
    if (transport === undefined || !isOpen) return;
    transport.write(bytes);
    lastSentS = getTime();
  }

  function allocatePacketId(): number {
    for (let attempt = 0; attempt < 65535; attempt++) {
      const id = nextPacketId;
      nextPacketId = nextPacketId === 65535 ? 1 : nextPacketId + 1;
      let isUsed = false;
      for (let i = 0; i < inflight.length; i++) if ((inflight[i] as InflightMessage).packetId === id) isUsed = true;
      if (!isUsed) return id;
    }
    return 0;
  }

  function sendInflight(message: InflightMessage, isRetry: boolean): void {
    // DUP only on a real re-delivery attempt (MQTT-3.1.1 §3.3.1.1); a message queued while offline goes out fresh.
    const isDuplicate = isRetry && message.sentAtS > 0;
    send(buildPublish(message.topic, message.payload, 1, message.packetId, isDuplicate, message.isRetained));
    message.sentAtS = getTime();
    if (isDuplicate) stats.retransmitted++;
  }

  function closeConnection(reason: string): void {
    if (transport !== undefined) {
      const closing = transport;
      transport = undefined;
      closing.end();
    }
    handleClosed(reason);
  }

  function handleClosed(reason: string): void {
    const wasAccepted = isAccepted;
    isOpen = false;
    isAccepted = false;
    transport = undefined;
    reader.reset();
    if (wasAccepted) {
      stats.disconnects++;
      options.onDisconnected(reason);
    }
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (isStopped || reconnectTimer !== undefined) return;
    let delayS = options.backoffMinS;
    for (let i = 0; i < failedAttempts && delayS < options.backoffMaxS; i++) delayS *= 2;
    if (delayS > options.backoffMaxS) delayS = options.backoffMaxS;
    failedAttempts++;
    // ±20 % jitter: not a secret, so Espruino's predictable Math.random is fine here.
    const jitteredMs = delayS * 1000 * (0.8 + 0.4 * Math.random());
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      openConnection();
    }, jitteredMs);
  }

  const session: SessionContext = {
    acceptConnection(isSessionPresent: boolean): void {
      isAccepted = true;
      failedAttempts = 0;
      stats.connects++;
      pingSentAtS = 0;
      for (let i = 0; i < options.subscriptions.length; i++) {
        send(buildSubscribe(allocatePacketId(), options.subscriptions[i] as string, 1));
      }
      // MQTT-3.1.1 §4.4: re-send unacknowledged PUBLISH packets with DUP = 1, in their original order.
      for (let i = 0; i < inflight.length; i++) sendInflight(inflight[i] as InflightMessage, true);
      options.onConnected(isSessionPresent);
    },
    refuseConnection(returnCode: number): void {
      closeConnection('connection refused, CONNACK return code ' + returnCode);
    },
    completePublish(packetId: number): void {
      for (let i = 0; i < inflight.length; i++) {
        const message = inflight[i] as InflightMessage;
        if (message.packetId === packetId) {
          inflight.splice(i, 1);
          stats.acknowledged++;
          message.onAcknowledged();
          return;
        }
      }
    },
    completeSubscribe(): void {},
    receivePong(): void {
      pingSentAtS = 0;
    },
    receiveMessage(topic: string, payload: string): void {
      options.onMessage(topic, payload);
    },
    send,
    failProtocol(code: string, message: string): void {
      closeConnection(code + ': ' + message);
    },
  };

  const reader = createPacketReader(
    (packet) => dispatchPacket(session, packet),
    (error) => closeConnection(error.code + ': ' + error.message),
  );

  function openConnection(): void {
    if (isStopped) return;
    connectStartedS = getTime();
    let opened: Transport | undefined;
    opened = options.openTransport({
      onOpen(): void {
        if (transport !== opened) return;
        isOpen = true;
        const will = options.connect.will;
        const willPayload = options.willPayload;
        const connect = will === undefined || willPayload === undefined
          ? options.connect
          : Object.assign({}, options.connect, { will: Object.assign({}, will, { payload: willPayload() }) });
        send(buildConnect(connect));
      },
      onData(data: string): void {
        if (transport === opened) reader.push(data);
      },
      onClose(): void {
        if (transport === opened) handleClosed('connection closed');
      },
    });
    transport = opened;
  }

  function tick(): void {
    const nowS = getTime();
    if (transport !== undefined && !isAccepted && nowS - connectStartedS > Math.max(10, keepAliveS)) {
      closeConnection('no CONNACK in time');
      return;
    }
    if (!isAccepted) return;
    if (keepAliveS > 0) {
      if (pingSentAtS > 0 && nowS - pingSentAtS > keepAliveS) {
        closeConnection('no PINGRESP within the keep-alive period');
        return;
      }
      if (pingSentAtS === 0 && nowS - lastSentS >= keepAliveS * 0.75) {
        send(buildPingreq());
        pingSentAtS = nowS;
      }
    }
    for (let i = 0; i < inflight.length; i++) {
      const message = inflight[i] as InflightMessage;
      if (nowS - message.sentAtS >= options.retryS) sendInflight(message, true);
    }
  }

  return {
    start(): void {
      if (!isStopped) return;
      isStopped = false;
      tickTimer = setInterval(tick, tickS * 1000);
      openConnection();
    },
    stop(): void {
      isStopped = true;
      if (tickTimer !== undefined) clearInterval(tickTimer);
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      tickTimer = undefined;
      reconnectTimer = undefined;
      if (isOpen) send(buildDisconnect());
      if (transport !== undefined) {
        const closing = transport;
        transport = undefined;
        isOpen = false;
        isAccepted = false;
        closing.end();
      }
    },
    isConnected: () => isAccepted,
    hasRoom: () => inflight.length < options.maxInflight,
    publishAtLeastOnce(topic: string, payload: string, isRetained: boolean, onAcknowledged: () => void): boolean {
      if (inflight.length >= options.maxInflight) return false;
      const message: InflightMessage = { packetId: allocatePacketId(), topic, payload, isRetained, sentAtS: 0, onAcknowledged };
      inflight.push(message);
      stats.published++;
      if (isAccepted) sendInflight(message, false);
      return true;
    },
    publishAtMostOnce(topic: string, payload: string, isRetained: boolean): boolean {
      if (!isAccepted) return false;
      send(buildPublish(topic, payload, 0, 0, false, isRetained));
      return true;
    },
    inflightCount: () => inflight.length,
    stats: () => stats,
  };
}

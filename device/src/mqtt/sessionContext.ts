/** What a packet handler may do to the client session; the client implements it (mqttClient.ts). */
export interface SessionContext {
  /** CONNACK with return code 0 (MQTT-3.1.1 §3.2.2.3). */
  acceptConnection(isSessionPresent: boolean): void;
  /** CONNACK with a refusal code 1 … 5 (MQTT-3.1.1 §3.2.2.3, Table 3.1). */
  refuseConnection(returnCode: number): void;
  completePublish(packetId: number): void;
  completeSubscribe(packetId: number, grantedQos: number): void;
  receivePong(): void;
  /** An application message from the broker; QoS 1 messages are acknowledged by the handler. */
  receiveMessage(topic: string, payload: string): void;
  send(bytes: string): void;
  /** The broker broke the protocol: the client closes the connection (MQTT-3.1.1 §4.8). */
  failProtocol(code: string, message: string): void;
}

/**
 * MQTT topic names of protocol v1 (docs/protocol.md §"Topics"). One topic per message kind, so that the relay
 * maps a topic to exactly one handler.
 */

/** Root of every protocol v1 topic. */
export const TOPIC_ROOT = 'pet/v1/meters';

export type MeterTopicKind = 'sample' | 'seal' | 'status' | 'cmd';

/** `pet/v1/meters/{meter}/{kind}`; `meter` is the lower-case 0x address. */
export function meterTopic(meter: string, kind: MeterTopicKind): string {
  return `${TOPIC_ROOT}/${meter}/${kind}`;
}

const meterTopicPattern = /^pet\/v1\/meters\/(0x[0-9a-f]{40})\/(sample|seal|status|cmd)$/;

/** Splits a meter topic into its meter and kind, or returns undefined for any other topic. */
export function parseMeterTopic(topic: string): { meter: string; kind: MeterTopicKind } | undefined {
  const match = meterTopicPattern.exec(topic);
  if (match === null) return undefined;
  return { meter: match[1]!, kind: match[2] as MeterTopicKind };
}

/**
 * The feed's message envelope, the same in both directions' documentation (docs/api.md §"Live feed"): every
 * server message is `{ channel, type, data, ts }` so that new kinds — market clearing results, trades,
 * settlements on `market:<zone>` channels — are added as new `type`s on new channels without changing clients.
 */

/** Channels: `zone:<zone>` (public, ≥ 5 meters), `meter:<address>` (owner only), `market:<zone>` (public, later), `system`. */
export type FeedChannel = string;

/** One server → client message. */
export interface FeedMessage<Data = unknown> {
  channel: FeedChannel;
  /** What `data` holds: `zone-aggregate`, `meter-sample`, `meter-seal`, `subscribed`, `unsubscribed`, `authenticated`, `error`, … */
  type: string;
  data: Data;
  /** Server time when the message was made, Unix milliseconds. */
  ts: number;
}

/** Live power of one zone, summed over the meters that reported recently (powerW of their latest sample). */
export interface ZoneAggregateData {
  zone: string;
  /** Sum of exporting meters' power, W (≥ 0). */
  productionW: number;
  /** Sum of importing meters' power, W (≥ 0). */
  consumptionW: number;
  /** consumptionW − productionW: positive when the zone draws from the upstream grid. */
  netFlowW: number;
  /** Meters in the sums; never below the privacy minimum (5). */
  meterCount: number;
  /** Measurement time of the newest sample in the sums, Unix seconds. */
  timeS: number;
}

/** Feed error codes sent in `{ channel: 'system', type: 'error', data: { code, message } }`. */
export type FeedErrorCode =
  | 'bad_message'
  | 'unknown_channel'
  | 'not_authenticated'
  | 'not_owner'
  | 'bad_token'
  | 'expired_token'
  | 'too_many_subscriptions';

/** Builds a message stamped with `nowMs`. */
export function feedMessage<Data>(channel: FeedChannel, type: string, data: Data, nowMs: number): FeedMessage<Data> {
  return { channel, type, data, ts: nowMs };
}

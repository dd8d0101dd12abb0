/**
 * Picks the open gaps due for a `resend` request and counts the request on their `chain_gaps` row, in one
 * statement: the rows are the throttle, so relays sharing a database never ask a meter twice for one gap within
 * the hold time, and a restarted relay goes on where it stopped.
 *
 * A gap is due when the meter's watermark W sits just below it (W + 1 inside the row: the gap holds the
 * watermark back) and
 * - it was never requested and was detected at least `firstGraceMs` ago (records of one meter may arrive out of
 *   order across broker connections; most holes close by themselves within a batch or two), or
 * - its last request is older than holdMs × 2^(requests − 1), at most `maxBackoffMs`;
 * and no request went to the meter within `holdMs` for any gap (a meter resends everything it holds from
 * `fromSeq` on, which covers the gaps above too).
 */
import { sql } from 'drizzle-orm';
import { queryRows } from './queryRows.ts';
import type { RelayDatabase } from './relayDatabase.ts';

/** A resend to send: `fromSeq` = the meter's watermark + 1. */
export interface ResendClaim {
  meter: string;
  fromSeq: number;
  /** Requests counted on the gap's row, this one included. */
  requests: number;
}

export interface ResendClaimQuery {
  /** Only these meters (after a batch); all meters when undefined (the timer). */
  meters?: readonly string[] | undefined;
  holdMs: number;
  maxBackoffMs: number;
  firstGraceMs: number;
  /** Most gaps claimed by one call: bounded work per call. */
  limit: number;
}

/** Claims the due gaps (oldest first) and returns the resend commands to send. */
export async function claimResendRequests(db: RelayDatabase, query: ResendClaimQuery): Promise<ResendClaim[]> {
  if (query.meters !== undefined && query.meters.length === 0) return [];
  const holdS = query.holdMs / 1000;
  const rows = await queryRows<{ meter: string; resend_from: unknown; resend_requests: unknown }>(
    db,
    sql`WITH due AS (
          SELECT g.meter, g.from_seq, h.contiguous_seq + 1 AS resend_from
          FROM chain_gaps g JOIN chain_heads h ON h.meter = g.meter
          WHERE g.closed_at IS NULL
            ${query.meters === undefined ? sql`` : sql`AND g.meter = ANY(${sql.param([...query.meters])}::text[])`}
            AND g.from_seq <= h.contiguous_seq + 1 AND g.to_seq > h.contiguous_seq AND h.last_seq > h.contiguous_seq
            AND CASE WHEN g.resend_requests = 0 OR g.last_resend_at IS NULL
                  THEN g.detected_at <= now() - make_interval(secs => ${query.firstGraceMs / 1000})
                  ELSE g.last_resend_at <= now() - make_interval(secs => least(${holdS} * power(2, least(g.resend_requests - 1, 30)), ${query.maxBackoffMs / 1000}))
                END
            AND NOT EXISTS (SELECT 1 FROM chain_gaps o WHERE o.meter = g.meter AND o.last_resend_at > now() - make_interval(secs => ${holdS}))
          ORDER BY coalesce(g.last_resend_at, g.detected_at)
          LIMIT ${query.limit}
          FOR UPDATE OF g SKIP LOCKED)
        UPDATE chain_gaps g SET resend_requests = g.resend_requests + 1, last_resend_at = now()
        FROM due WHERE g.meter = due.meter AND g.from_seq = due.from_seq
        RETURNING g.meter, due.resend_from, g.resend_requests`,
  );
  return rows.map((row) => ({ meter: row.meter, fromSeq: Number(row.resend_from), requests: Number(row.resend_requests) }));
}

import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { RelayDatabase } from '../relayDatabase.ts';
import { rejections } from '../schema.ts';

/** A refused input as the operator reads it. */
export interface Rejection {
  id: number;
  receivedAt: string;
  topic: string;
  meter: string | null;
  seq: number | null;
  code: string;
  reason: string;
  payloadExcerpt: string;
  payloadBytes: number;
}

/** Filters and page of {@link listRejections}: newest first, before an id. */
export interface ListRejectionsQuery {
  code?: string | undefined;
  meter?: string | undefined;
  beforeId?: number | undefined;
  limit: number;
}

/** Most recent rejections first (keyset paging on the id). */
export async function listRejections(db: RelayDatabase, query: ListRejectionsQuery): Promise<Rejection[]> {
  const conditions: SQL[] = [];
  if (query.code !== undefined) conditions.push(eq(rejections.code, query.code));
  if (query.meter !== undefined) conditions.push(eq(rejections.meter, query.meter));
  if (query.beforeId !== undefined) conditions.push(lt(rejections.id, query.beforeId));
  const rows = await db
    .select()
    .from(rejections)
    .where(conditions.length === 0 ? undefined : and(...conditions))
    .orderBy(desc(rejections.id))
    .limit(query.limit);
  return rows.map((row) => ({ ...row, receivedAt: row.receivedAt.toISOString() }));
}

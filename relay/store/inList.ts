/** `column IN (values…)` as a drizzle SQL fragment, shared by the store's readers and the privacy room. */
import { sql } from 'drizzle-orm';

/** `column IN (values…)`, or `false` for an empty list (PostgreSQL has no empty IN list). */
export function inList(column: string, values: readonly string[]) {
  if (values.length === 0) return sql`false`;
  return sql`${sql.raw(column)} IN (${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )})`;
}

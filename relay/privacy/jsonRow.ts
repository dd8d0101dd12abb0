/**
 * A database row as plain JSON, the same on both drivers: int8 values (bigint or decimal strings, depending on
 * the driver) become numbers when exact, else decimal strings; timestamps become ISO 8601 UTC text; column names
 * stay as the database names them (snake_case), so an export reads against docs/privacy.md and the migrations.
 */
export type JsonRow = Record<string, string | number | boolean | null>;

/** Converts one raw row. */
export function toJsonRow(row: Record<string, unknown>): JsonRow {
  const out: JsonRow = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null || value === undefined) out[name] = null;
    else if (typeof value === 'bigint') out[name] = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
    else if (value instanceof Date) out[name] = value.toISOString();
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') out[name] = value;
    else out[name] = JSON.stringify(value);
  }
  return out;
}

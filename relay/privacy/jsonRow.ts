/**
 * A database row as plain JSON, the same on both drivers: int8 values (bigint or decimal strings, depending on
 * the driver) become numbers when exact, else decimal strings; timestamps become ISO 8601 UTC text; column names
 * stay as the database names them (snake_case), so an export reads against docs/privacy.md and the migrations.
 */
export type JsonRow = Record<string, string | number | boolean | null>;

function int8ToJson(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

/**
 * Converts one raw row. `int8Columns` names the `bigint` columns, which postgres.js returns as decimal strings
 * and PGlite as numbers or bigints; they come out as numbers wherever exact.
 */
export function toJsonRow(row: Record<string, unknown>, int8Columns: ReadonlySet<string> = new Set()): JsonRow {
  const out: JsonRow = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null || value === undefined) out[name] = null;
    else if (int8Columns.has(name) && typeof value === 'string' && /^-?\d+$/.test(value)) out[name] = int8ToJson(BigInt(value));
    else if (typeof value === 'bigint') out[name] = int8ToJson(value);
    else if (value instanceof Date) out[name] = value.toISOString();
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') out[name] = value;
    else out[name] = JSON.stringify(value);
  }
  return out;
}

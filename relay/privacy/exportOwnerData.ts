/**
 * The right of access (GDPR art. 15): everything the relay holds about a signed-in owner's meters and account,
 * as one JSON document produced in pieces, so that years of samples never sit in memory at once. Rows are read
 * a page at a time by key (keyset paging), each section in key order.
 *
 * Pages are separate reads: a sample stored while an export runs may or may not appear in it.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../store/queryRows.ts';
import type { RelayDatabase } from '../store/relayDatabase.ts';
import type { DataKeyring } from './dataKeyring.ts';
import { EXPORT_SECTIONS, type ExportSection, type ExportSubject } from './exportSections.ts';
import { toJsonRow, type JsonRow } from './jsonRow.ts';
import { decryptProfile } from './meterProfile.ts';
import { ownerPseudonyms } from './ownerPseudonym.ts';
import { inList } from '../store/inList.ts';
import { presentTables } from './presentTables.ts';

/** Export format id, first field of the document. */
export const EXPORT_FORMAT = 'pet-export/1';

const PAGE_ROWS = 1_000;

export interface ExportOptions {
  db: RelayDatabase;
  keyring: DataKeyring;
  /** Signed-in owner address (any case). */
  owner: string;
  /** Unix ms, written into the document. */
  nowMs: number;
}

/** Finds the subject's meters, erased meters and pseudonyms. */
export async function resolveExportSubject(db: RelayDatabase, keyring: DataKeyring, owner: string): Promise<ExportSubject> {
  const address = owner.toLowerCase();
  const pseudonyms = ownerPseudonyms(keyring, address);
  const meters = (await queryRows<{ address: string }>(db, sql`SELECT address FROM meters WHERE owner_address = ${address} ORDER BY address`)).map((row) => row.address);
  const erased = (await queryRows<{ meter: string }>(db, sql`SELECT meter FROM meter_pseudonyms WHERE ${inList('owner_pseudonym', pseudonyms)} ORDER BY meter`)).map((row) => row.meter);
  return { owner: address, meters, erasedMeters: erased, pseudonyms };
}

/** The `bigint` columns of a table (so that both drivers export them alike). */
async function int8Columns(db: RelayDatabase, table: string): Promise<Set<string>> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table} AND data_type = 'bigint'`,
  );
  return new Set(rows.map((row) => row.name));
}

async function* sectionRows(db: RelayDatabase, section: ExportSection, subject: ExportSubject): AsyncGenerator<JsonRow> {
  const int8 = await int8Columns(db, section.table);
  const keyList = sql.raw(section.key.join(', '));
  let after: unknown[] | undefined;
  for (;;) {
    const keyset =
      after === undefined
        ? sql`true`
        : sql`(${keyList}) > (${sql.join(
            after.map((value) => sql`${value}`),
            sql`, `,
          )})`;
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`SELECT ${sql.raw(section.columns)} FROM ${sql.raw(section.table)} WHERE ${section.where(subject)} AND ${keyset} ORDER BY ${keyList} LIMIT ${PAGE_ROWS}`,
    );
    for (const row of rows) {
      const json = toJsonRow(row, int8);
      yield section.redact === undefined ? json : section.redact(json, subject);
    }
    if (rows.length < PAGE_ROWS) return;
    const last = rows[rows.length - 1]!;
    after = section.key.map((column) => {
      const value = last[column];
      return typeof value === 'bigint' ? value.toString() : value;
    });
  }
}

/**
 * Yields the export document as JSON text chunks; concatenated they parse as one object:
 * `{format, generatedAt, subject, tablesNotPresent, descriptions, sections: {meters: […], meterProfiles: […], …}}`.
 *
 * @throws {PrivacyError} when a stored profile cannot be decrypted (`unknown_data_key`, `tampered_ciphertext`).
 * @example
 * let text = '';
 * for await (const chunk of exportOwnerData({ db, keyring, owner, nowMs: Date.now() })) text += chunk;
 */
export async function* exportOwnerData(options: ExportOptions): AsyncGenerator<string> {
  const { db, keyring } = options;
  const subject = await resolveExportSubject(db, keyring, options.owner);
  const present = await presentTables(db, [...new Set([...EXPORT_SECTIONS.map((section) => section.table), 'meter_profiles'])]);
  const sections = EXPORT_SECTIONS.filter((section) => present.has(section.table));
  const missing = EXPORT_SECTIONS.filter((section) => !present.has(section.table)).map((section) => section.table);
  const descriptions: Record<string, string> = { meterProfiles: 'the label and contact you set on your meters (stored encrypted; shown decrypted)' };
  for (const section of sections) descriptions[section.name] = section.description;

  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"generatedAt":${JSON.stringify(new Date(options.nowMs).toISOString())},"subject":${JSON.stringify(subject.owner)},`;
  yield `"tablesNotPresent":${JSON.stringify([...new Set(missing)])},"descriptions":${JSON.stringify(descriptions)},"sections":{`;
  let isFirstSection = true;
  const open = (name: string) => {
    const text = `${isFirstSection ? '' : ','}${JSON.stringify(name)}:[`;
    isFirstSection = false;
    return text;
  };
  for (const section of sections) {
    yield open(section.name);
    let isFirstRow = true;
    for await (const row of sectionRows(db, section, subject)) {
      yield (isFirstRow ? '' : ',') + JSON.stringify(row);
      isFirstRow = false;
    }
    yield ']';
    if (section.name === 'meters' && present.has('meter_profiles')) {
      yield open('meterProfiles');
      const profiles = await queryRows<{ meter: string; label_encrypted: string | null; owner_contact_encrypted: string | null; updated_at: unknown }>(
        db,
        sql`SELECT meter, label_encrypted, owner_contact_encrypted, updated_at FROM meter_profiles WHERE ${inList('meter', subject.meters)} ORDER BY meter`,
      );
      yield profiles
        .map((row) => JSON.stringify({ meter: row.meter, ...decryptProfile(keyring, row.meter, row.label_encrypted, row.owner_contact_encrypted), updated_at: toJsonRow({ t: row.updated_at }).t }))
        .join(',');
      yield ']';
    }
  }
  yield '}}';
}

/**
 * What anyone may read about a meter. The owner's address is left out on purpose: it links a household's meter
 * to its wallet.
 */
export interface PublicMeter {
  address: string;
  zone: string;
  technology: string | null;
  nameplateW: number | null;
  registeredAt: string;
  isActive: boolean;
  /** False for a meter first seen on the wire and not (yet) registered by the operator. */
  isRegistered: boolean;
}

/** The columns of `meters` behind {@link PublicMeter}. */
export interface PublicMeterRow {
  address: string;
  zone: string;
  technology: string | null;
  nameplateW: number | null;
  registeredAt: Date;
  isActive: boolean;
  isRegistered: boolean;
}

/** Shapes a row for the API (ISO 8601 time). */
export function toPublicMeter(row: PublicMeterRow): PublicMeter {
  return { ...row, registeredAt: row.registeredAt.toISOString() };
}

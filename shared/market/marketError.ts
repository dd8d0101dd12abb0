/**
 * Every refusal by the market core carries a stable `code`; the message says what was expected and what came,
 * with the path of the offending field (e.g. `orders[3].energyWh`).
 */
export type MarketErrorCode =
  | 'not_array'
  | 'wrong_type'
  | 'missing_field'
  | 'unknown_field'
  | 'not_integer'
  | 'out_of_range'
  | 'bad_side'
  | 'duplicate_order_id'
  | 'unknown_zone'
  | 'duplicate_zone_id'
  | 'bad_zone_level';

/** An input the market refuses. `path` names the field that failed, when one did. */
export class MarketError extends Error {
  override readonly name = 'MarketError';
  readonly code: MarketErrorCode;
  readonly path: string | undefined;

  constructor(code: MarketErrorCode, message: string, path?: string) {
    super(path === undefined ? message : `${path}: ${message}`);
    this.code = code;
    this.path = path;
  }
}

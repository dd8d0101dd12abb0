/**
 * Privacy rule for anything computed over several households: an aggregate is shown, through the API or the
 * live feed, only when it covers at least this many meters. Below that a zone total would reveal one home's
 * consumption pattern (when it is empty, when it cooks) to its neighbours. k-anonymity with k = 5.
 */
export const MIN_METERS_PER_AGGREGATE = 5;

/** Whether an aggregate over `meterCount` meters may be shown to anyone. */
export function isAggregateShowable(meterCount: number): boolean {
  return meterCount >= MIN_METERS_PER_AGGREGATE;
}

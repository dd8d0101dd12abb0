/** How the ingest benchmark prints its figures: whole numbers with thousands separators, ratios to a baseline. */

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** `a` as a percentage of `b`. */
export const ratio = (a: number, b: number) => `${((a / b) * 100).toFixed(0)} %`;
/** `a` as a multiple of `b`. */
export const multiple = (a: number, b: number) => `${(a / b).toFixed(1)}×`;

/** The `p`-th percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

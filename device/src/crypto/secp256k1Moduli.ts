import { LimbModulus } from './limbModulus.ts';

/** The field prime p = 2^256 − 2^32 − 977 (SEC 2 v2 §2.4.1), with c = 2^256 − p. */
export const fieldP = new LimbModulus(
  'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f',
  '1000003d1',
);

/** The group order n (SEC 2 v2 §2.4.1), with c = 2^256 − n. */
export const scalarN = new LimbModulus(
  'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
  '14551231950b75fc4402da1732fc9bebf',
);

/**
 * Names of the Storage files that provisioning writes and the firmware reads at boot (docs/meter_setup.md).
 */

/** JSON configuration, see meterConfig.ts. */
export const CONFIG_FILE = 'pet.cfg';
/** The meter's secp256k1 private key: 64 lower-case hex digits, generated off the board. */
export const KEY_FILE = 'pet.key';
/** Prefix of the store-and-forward chunk files (`pq0`, `pq1`, …). */
export const QUEUE_PREFIX = 'pq';

/**
 * AccessManager role ids of the platform, the same numbers as contracts/src/access/Roles.sol (docs/contracts.md
 * §"Administration"). Role 0 is AccessManager's ADMIN_ROLE, held by the Safe.
 */

/** AccessManager's built-in admin role (the Safe). */
export const ADMIN_ROLE = 0n;
/** Parameter changes (fees, fee sink, incentive rate, certificate URI): the Safe, after {@link PARAMETER_DELAY_S}. */
export const PARAMETER_ROLE = 1n;
/** Immediate pause of marketplace and listing. */
export const GUARDIAN_ROLE = 2n;
/** Settlement of zone intervals: the relay's key. */
export const SETTLER_ROLE = 3n;
/** Meter registration and deactivation. */
export const OPERATOR_ROLE = 4n;
/** Starting fee reward streams: the marketplace itself. */
export const REWARD_NOTIFIER_ROLE = 5n;
/** Execution delay on parameter changes: 2 days. */
export const PARAMETER_DELAY_S = 2 * 24 * 60 * 60;

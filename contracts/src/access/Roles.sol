// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Roles
/// @notice AccessManager role ids of the platform (docs/contracts.md §"Administration"). Role 0 is
/// AccessManager's ADMIN_ROLE, held by the Safe; unassigned functions fall back to it.
library Roles {
    /// @notice Parameter changes (fees, fee sink, grid fees and operator, incentive rate): the Safe, with an
    /// execution delay.
    uint64 internal constant PARAMETER = 1;
    /// @notice Immediate pause: a guardian key, no delay.
    uint64 internal constant GUARDIAN = 2;
    /// @notice Settlement of zone intervals: the relay's hot key.
    uint64 internal constant SETTLER = 3;
    /// @notice Meter registration and deactivation: the community operator.
    uint64 internal constant OPERATOR = 4;
    /// @notice Starting reward streams: the marketplace itself (fee distribution).
    uint64 internal constant REWARD_NOTIFIER = 5;
    /// @notice Delay on parameter changes.
    uint32 internal constant PARAMETER_DELAY_S = 2 days;
}

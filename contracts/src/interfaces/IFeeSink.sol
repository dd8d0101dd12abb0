// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Receives trading fees already transferred to it and streams them as rewards.
interface IFeeSink {
    /// @notice Starts (or extends) a reward stream of `amount`, which the caller has just transferred.
    function notifyRewardAmount(uint256 amount) external;
}

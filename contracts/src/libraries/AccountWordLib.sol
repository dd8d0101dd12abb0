// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Account} from "../interfaces/ITradingMarketplace.sol";

/// @title AccountWordLib
/// @notice A ledger entry ({Account}) as the one storage word the marketplace keeps: settlement loads each
/// account once and stores it once.
/// @dev Packing, from the low-order end: balance bits 0–127 ‖ soldWh bits 128–191 ‖ boughtWh bits 192–255.
library AccountWordLib {
    uint256 private constant BALANCE_MASK = type(uint128).max;

    /// @notice The word as the view struct.
    function decode(uint256 word) internal pure returns (Account memory) {
        return Account({balance: uint128(word), soldWh: uint64(word >> 128), boughtWh: uint64(word >> 192)});
    }

    function balance(uint256 word) internal pure returns (uint256) {
        return word & BALANCE_MASK;
    }

    /// @notice `word` with `amount` more balance and `soldWh` more sold (reverts past uint128 / uint64).
    function credited(uint256 word, uint256 amount, uint256 soldWh) internal pure returns (uint256) {
        uint256 newBalance = SafeCast.toUint128((word & BALANCE_MASK) + amount);
        uint256 newSoldWh = SafeCast.toUint64(uint64(word >> 128) + soldWh);
        return (word & ~uint256(type(uint192).max)) | (newSoldWh << 128) | newBalance;
    }

    /// @notice `word` with `amount` less balance (the caller checked it is there) and `boughtWh` more bought
    /// (reverts past uint64).
    function debited(uint256 word, uint256 amount, uint256 boughtWh) internal pure returns (uint256) {
        uint256 newBoughtWh = SafeCast.toUint64((word >> 192) + boughtWh);
        return ((word & uint256(type(uint192).max)) - amount) | (newBoughtWh << 192);
    }
}

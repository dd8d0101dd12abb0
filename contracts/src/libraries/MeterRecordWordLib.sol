// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title MeterRecordWordLib
/// @notice Reads the fields settlement needs from a meter's registry record as its one storage word
/// ({IMeterRegistry-meterRecordWords}), so the marketplace reads the registrations of a whole batch with one call and
/// no ABI decoding of structs.
/// @dev Solidity's storage layout of {MeterRecord} (fields packed from the low-order end of the slot):
/// owner bits 0–159 ‖ zone bits 160–223 ‖ technology bits 224–231 ‖ isActive bits 232–239.
library MeterRecordWordLib {
    function owner(uint256 word) internal pure returns (address) {
        return address(uint160(word));
    }

    function zone(uint256 word) internal pure returns (uint64) {
        return uint64(word >> 160);
    }

    function isActive(uint256 word) internal pure returns (bool) {
        return uint8(word >> 232) != 0;
    }
}

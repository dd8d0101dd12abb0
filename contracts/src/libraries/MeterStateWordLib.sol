// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MeterState} from "../interfaces/ITradingMarketplace.sol";

/// @title MeterStateWordLib
/// @notice A meter's settled position ({MeterState}) as the one storage word the marketplace keeps, so that
/// settlement loads it once and stores it once (a struct assignment stores field by field). Settlement writes the
/// word in `TradingMarketplace._advancedState`, together with the rules it checks.
/// @dev Packing, from the low-order end: lastSeq bits 0–31 ‖ lastEndS bits 32–63 ‖ lastExportEndWh bits 64–111 ‖
/// paidWh bits 112–175 ‖ hasSettled bits 176–183 ‖ lastSealPaidWh bits 184–231.
library MeterStateWordLib {
    uint256 private constant PAID_WH_SHIFT = 112;
    uint256 private constant HAS_SETTLED_SHIFT = 176;
    uint256 private constant LAST_SEAL_PAID_WH_SHIFT = 184;

    /// @notice The word as the view struct.
    function decode(uint256 word) internal pure returns (MeterState memory) {
        return MeterState({
            lastSeq: lastSeq(word),
            lastEndS: lastEndS(word),
            lastExportEndWh: lastExportEndWh(word),
            paidWh: paidWh(word),
            hasSettled: hasSettled(word),
            lastSealPaidWh: lastSealPaidWh(word)
        });
    }

    function lastSeq(uint256 word) internal pure returns (uint32) {
        return uint32(word);
    }

    function lastEndS(uint256 word) internal pure returns (uint32) {
        return uint32(word >> 32);
    }

    function lastExportEndWh(uint256 word) internal pure returns (uint48) {
        return uint48(word >> 64);
    }

    function paidWh(uint256 word) internal pure returns (uint64) {
        return uint64(word >> PAID_WH_SHIFT);
    }

    function hasSettled(uint256 word) internal pure returns (bool) {
        return uint8(word >> HAS_SETTLED_SHIFT) != 0;
    }

    function lastSealPaidWh(uint256 word) internal pure returns (uint48) {
        return uint48(word >> LAST_SEAL_PAID_WH_SHIFT);
    }
}

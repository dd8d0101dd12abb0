// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MeterState} from "../interfaces/ITradingMarketplace.sol";

/// @title MeterStateWordLib
/// @notice A meter's settled position ({MeterState}) as the one storage word the marketplace keeps, so that
/// settlement loads it once and stores it once (a struct assignment stores field by field).
/// @dev Packing, from the low-order end: lastSeq bits 0–31 ‖ lastEndS bits 32–63 ‖ lastExportEndWh bits 64–111 ‖ paidWh bits 112–175 ‖
/// hasSettled bits 176–183.
library MeterStateWordLib {
    uint256 private constant PAID_WH_SHIFT = 112;
    uint256 private constant HAS_SETTLED_SHIFT = 176;
    uint256 private constant PAID_WH_MASK = uint256(type(uint64).max) << PAID_WH_SHIFT;

    /// @notice The word as the view struct.
    function decode(uint256 word) internal pure returns (MeterState memory) {
        return MeterState({
            lastSeq: lastSeq(word),
            lastEndS: lastEndS(word),
            lastExportEndWh: lastExportEndWh(word),
            paidWh: paidWh(word),
            hasSettled: hasSettled(word)
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

    /// @notice The word after a seal ending at (`seq`, `endS`, `exportEndWh`) settled; `paidWh` is kept.
    function advanced(uint256 word, uint256 seq, uint256 endS, uint256 exportEndWh) internal pure returns (uint256) {
        return (word & PAID_WH_MASK) | seq | (endS << 32) | (exportEndWh << 64) | (uint256(1) << HAS_SETTLED_SHIFT);
    }

    /// @notice The word with `soldWh` more paid (reverts past uint64).
    function paid(uint256 word, uint256 soldWh) internal pure returns (uint256) {
        uint256 total = SafeCast.toUint64(uint256(paidWh(word)) + soldWh);
        return (word & ~PAID_WH_MASK) | (total << PAID_WH_SHIFT);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SellerTallyLib
/// @notice Per seller entry of the batch being settled, the Wh sold and the gross amount, in one memory word:
/// soldWh bits 192–255 ‖ grossAmount bits 0–191, so each trade adds to its seller with one load and one store.
/// @dev No carry crosses the fields: a trade adds energyWh < 2^32 and energyWh × pricePerKWh / 1000 < 2^128; a
/// batch holds fewer than 2^32 trades (its calldata alone would cost more gas than a block has), so the sums stay
/// below 2^64 and 2^160.
library SellerTallyLib {
    uint256 private constant GROSS_MASK = (uint256(1) << 192) - 1;

    /// @notice Adds one trade to tally `index` (the caller checked `index < tallies.length`).
    function add(uint256[] memory tallies, uint256 index, uint256 energyWh, uint256 amount) internal pure {
        assembly ("memory-safe") {
            let slot := add(add(tallies, 0x20), shl(5, index))
            mstore(slot, add(mload(slot), or(shl(192, energyWh), amount)))
        }
    }

    function soldWh(uint256 tally) internal pure returns (uint256) {
        return tally >> 192;
    }

    function grossAmount(uint256 tally) internal pure returns (uint256) {
        return tally & GROSS_MASK;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "./Vm.sol";
import {Seal, SealLib} from "../../src/libraries/SealLib.sol";

/// @notice Builds signed seller entries and trades in the packed settlement calldata layout.
library SealSigning {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice seller 20 ‖ canonical seal bytes 92 ‖ r ‖ s ‖ v, signed with `meterKey` over SHA-256 of the bytes.
    function sellerEntry(uint256 meterKey, address seller, Seal memory seal) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(meterKey, SealLib.digest(seal));
        return abi.encodePacked(seller, SealLib.canonicalBytes(seal), r, s, v);
    }

    /// @notice buyer 20 ‖ seller index u16 ‖ energyWh u32 (a buyer climb of 0).
    function trade(address buyer, uint16 sellerIndex, uint32 energyWh) internal pure returns (bytes memory) {
        return abi.encodePacked(buyer, sellerIndex, energyWh);
    }

    /// @notice buyer 20 ‖ buyer climb u2 ‖ seller index u14 ‖ energyWh u32: a buyer whose order climbed `climb`
    /// levels to the batch zone.
    function trade(address buyer, uint256 climb, uint256 sellerIndex, uint32 energyWh)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(buyer, uint16((climb << 14) | sellerIndex), energyWh);
    }

    function seal(address meter, uint32 seq, uint32 startS, uint32 endS, uint48 exportStartWh, uint48 exportEndWh)
        internal
        pure
        returns (Seal memory result)
    {
        result.meter = meter;
        result.seq = seq;
        result.prev = keccak256(abi.encode(meter, seq));
        result.startS = startS;
        result.endS = endS;
        result.importStartWh = 1000;
        result.importEndWh = 1000;
        result.exportStartWh = exportStartWh;
        result.exportEndWh = exportEndWh;
        result.sampleCount = 90;
    }
}

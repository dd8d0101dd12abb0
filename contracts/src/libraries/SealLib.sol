// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SignatureLib} from "./SignatureLib.sol";

/// @notice An interval seal of protocol v1 (docs/protocol.md, shared/protocol/recordTypes.ts): a meter's signed
/// commitment to its hash-chain head and to its import/export registers at the start and end of an interval.
struct Seal {
    address meter;
    uint32 seq;
    bytes32 prev;
    uint32 startS;
    uint32 endS;
    uint48 importStartWh;
    uint48 importEndWh;
    uint48 exportStartWh;
    uint48 exportEndWh;
    uint16 sampleCount;
}

/// @title SealLib
/// @notice Rebuilds a seal's canonical bytes, hashes them with SHA-256 (the 0x02 precompile, as the meter does)
/// and recovers the meter key that signed the digest.
/// @dev Layout (docs/protocol.md §"Canonical bytes", shared/protocol/canonicalBytes.ts), big-endian, 92 bytes:
/// version u8 = 1 ‖ kind u8 = 2 ‖ meter 20 ‖ seq u32 ‖ prev 32 ‖ startS u32 ‖ endS u32 ‖ importStartWh u48 ‖
/// importEndWh u48 ‖ exportStartWh u48 ‖ exportEndWh u48 ‖ sampleCount u16.
library SealLib {
    uint8 internal constant PROTOCOL_VERSION = 1;
    uint8 internal constant RECORD_KIND_SEAL = 2;
    uint256 internal constant SEAL_BYTE_LENGTH = 92;

    /// @notice The canonical bytes the meter signed (without the signature).
    function canonicalBytes(Seal memory seal) internal pure returns (bytes memory) {
        return abi.encodePacked(
            PROTOCOL_VERSION,
            RECORD_KIND_SEAL,
            seal.meter,
            seal.seq,
            seal.prev,
            seal.startS,
            seal.endS,
            seal.importStartWh,
            seal.importEndWh,
            seal.exportStartWh,
            seal.exportEndWh,
            seal.sampleCount
        );
    }

    /// @notice SHA-256 of the canonical bytes: the digest the meter signs and the next record names as `prev`.
    function digest(Seal memory seal) internal pure returns (bytes32) {
        return sha256(canonicalBytes(seal));
    }

    /// @notice The address whose key signed this seal (not necessarily `seal.meter`: the caller compares).
    function recoverSigner(Seal memory seal, bytes memory signature) internal pure returns (address) {
        return SignatureLib.recover(digest(seal), signature);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Seal} from "./SealLib.sol";
import {SignatureLib} from "./SignatureLib.sol";

/// @title PackedSealLib
/// @notice Reads a seller entry of a settlement's packed calldata: the payee, the seal's 92 canonical bytes
/// exactly as the meter signed them, and the 65-byte signature. The contract hashes those very bytes, so no
/// field is re-encoded between what the meter signed and what is paid. Fields are read straight from calldata
/// at an entry's absolute position (`entry`), without copying the seal into memory and without checked
/// arithmetic: positions are calldata offsets, far below 2^256.
/// @dev Entry layout (docs/contracts.md §"Settlement calldata"), 177 bytes:
/// seller 20 ‖ canonical seal bytes 92 (SealLib layout) ‖ r 32 ‖ s 32 ‖ v 1.
library PackedSealLib {
    uint256 internal constant ENTRY_BYTE_LENGTH = 177;
    uint256 private constant CANONICAL_OFFSET = 20;
    uint256 private constant CANONICAL_BYTE_LENGTH = 92;
    uint256 private constant R_OFFSET = 112;
    uint256 private constant S_OFFSET = 144;
    uint256 private constant V_OFFSET = 176;
    /// @dev `0x01 0x02`: protocol version 1, record kind seal.
    uint256 private constant VERSION_AND_KIND = 0x0102;

    /// @notice The canonical bytes do not start with version 1 and kind seal.
    error SealHeaderInvalid(uint16 header);

    /// @notice Absolute calldata position of entry `index` of `packed` (the caller checks the bounds).
    function entry(bytes calldata packed, uint256 index) internal pure returns (uint256 position) {
        assembly ("memory-safe") {
            position := add(packed.offset, mul(index, ENTRY_BYTE_LENGTH))
        }
    }

    /// @notice The account the entry's export is paid to.
    function seller(uint256 position) internal pure returns (address value) {
        assembly ("memory-safe") {
            value := shr(96, calldataload(position))
        }
    }

    function meter(uint256 position) internal pure returns (address value) {
        assembly ("memory-safe") {
            value := shr(96, calldataload(add(position, 22))) // 20 + 2
        }
    }

    function seq(uint256 position) internal pure returns (uint32 value) {
        assembly ("memory-safe") {
            value := shr(224, calldataload(add(position, 42))) // 20 + 22
        }
    }

    function startS(uint256 position) internal pure returns (uint32 value) {
        assembly ("memory-safe") {
            value := shr(224, calldataload(add(position, 78))) // 20 + 58
        }
    }

    function endS(uint256 position) internal pure returns (uint32 value) {
        assembly ("memory-safe") {
            value := shr(224, calldataload(add(position, 82))) // 20 + 62
        }
    }

    function exportStartWh(uint256 position) internal pure returns (uint48 value) {
        assembly ("memory-safe") {
            value := shr(208, calldataload(add(position, 98))) // 20 + 78
        }
    }

    function exportEndWh(uint256 position) internal pure returns (uint48 value) {
        assembly ("memory-safe") {
            value := shr(208, calldataload(add(position, 104))) // 20 + 84
        }
    }

    /// @notice Checks the header and returns the address whose key signed SHA-256(canonical bytes), refusing what
    /// {SignatureLib-recover} refuses, with its errors. The header and signature rules are evaluated without
    /// branching ({_revertMalformed} names the broken one); the digest and the `ecrecover` input are laid out in one
    /// scratch buffer past the free pointer (not reserved: nothing else is written meanwhile).
    function signer(uint256 position) internal view returns (address signer_) {
        uint256 order = SignatureLib.SECP256K1_ORDER;
        uint256 halfOrder = SignatureLib.SECP256K1_HALF_ORDER;
        bool malformed;
        assembly ("memory-safe") {
            let r := calldataload(add(position, R_OFFSET))
            let s := calldataload(add(position, S_OFFSET))
            let v := shr(248, calldataload(add(position, V_OFFSET)))
            malformed := or(
                or(xor(shr(240, calldataload(add(position, CANONICAL_OFFSET))), VERSION_AND_KIND), gt(sub(v, 27), 1)),
                or(or(iszero(r), iszero(lt(r, order))), or(iszero(s), gt(s, halfOrder)))
            )
            if iszero(malformed) {
                let buffer := mload(0x40)
                calldatacopy(buffer, add(position, CANONICAL_OFFSET), CANONICAL_BYTE_LENGTH)
                // SHA-256 (precompile 0x02) of the canonical bytes, written where ecrecover reads its digest.
                if iszero(staticcall(gas(), 0x02, buffer, CANONICAL_BYTE_LENGTH, buffer, 0x20)) {
                    revert(0, 0)
                }
                mstore(add(buffer, 0x20), v)
                mstore(add(buffer, 0x40), r)
                mstore(add(buffer, 0x60), s)
                // ecrecover (precompile 0x01) returns nothing when no key matches.
                if iszero(staticcall(gas(), 0x01, buffer, 0x80, buffer, 0x20)) { revert(0, 0) }
                signer_ := mul(mload(buffer), eq(returndatasize(), 0x20))
            }
        }
        if (malformed) _revertMalformed(position);
        if (signer_ == address(0)) revert SignatureLib.SignatureUnrecoverable();
    }

    /// @dev Reverts with the first header or signature rule the entry at `position` breaks, in {SignatureLib}'s order.
    function _revertMalformed(uint256 position) private pure {
        uint256 header;
        uint256 r;
        uint256 s;
        uint256 v;
        assembly ("memory-safe") {
            header := shr(240, calldataload(add(position, CANONICAL_OFFSET)))
            r := calldataload(add(position, R_OFFSET))
            s := calldataload(add(position, S_OFFSET))
            v := shr(248, calldataload(add(position, V_OFFSET)))
        }
        if (header != VERSION_AND_KIND) revert SealHeaderInvalid(uint16(header));
        if (v != 27 && v != 28) revert SignatureLib.SignatureRecoveryIdInvalid(uint8(v));
        if (r == 0 || r >= SignatureLib.SECP256K1_ORDER || s == 0) revert SignatureLib.SignatureScalarOutOfRange();
        if (s > SignatureLib.SECP256K1_HALF_ORDER) revert SignatureLib.SignatureHighS(bytes32(s));
        assert(false); // unreachable: the rules above are the ones signer evaluates
    }

    /// @notice Reads the whole entry starting at byte `offset` of `packed` (tests and off-chain tools).
    /// @return seller_ The account the seal's export is paid to (must own the meter in the registry).
    /// @return seal The seal's fields, decoded from the signed bytes.
    /// @return signer_ The address whose key signed SHA-256(canonical bytes).
    function read(bytes calldata packed, uint256 offset)
        internal
        view
        returns (address seller_, Seal memory seal, address signer_)
    {
        uint256 position;
        assembly ("memory-safe") {
            position := add(packed.offset, offset)
        }
        signer_ = signer(position);
        seller_ = seller(position);
        uint256 c = position + CANONICAL_OFFSET;
        seal.meter = meter(position);
        seal.seq = seq(position);
        seal.prev = bytes32(_load(c + 26, 256));
        seal.startS = startS(position);
        seal.endS = endS(position);
        seal.importStartWh = uint48(_load(c + 66, 48));
        seal.importEndWh = uint48(_load(c + 72, 48));
        seal.exportStartWh = exportStartWh(position);
        seal.exportEndWh = exportEndWh(position);
        seal.sampleCount = uint16(_load(c + 90, 16));
    }

    /// @dev The big-endian unsigned integer of `bits` bits starting at absolute calldata position `position`.
    function _load(uint256 position, uint256 bits) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := shr(sub(256, bits), calldataload(position))
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Seal} from "./SealLib.sol";
import {SignatureLib} from "./SignatureLib.sol";

/// @title PackedSealLib
/// @notice Reads a seller entry of a settlement's packed calldata: the payee, the seal's 92 canonical bytes
/// exactly as the meter signed them, and the 65-byte signature. The contract hashes those very bytes, so no
/// field is re-encoded between what the meter signed and what is paid.
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

    /// @notice Reads the entry starting at `offset` of `packed` (a settlement's sellers calldata).
    /// @return seller The account the seal's export is paid to (must own the meter in the registry).
    /// @return seal The seal's fields, decoded from the signed bytes.
    /// @return signer The address whose key signed SHA-256(canonical bytes).
    function read(bytes calldata packed, uint256 offset)
        internal
        view
        returns (address seller, Seal memory seal, address signer)
    {
        uint256 base;
        assembly ("memory-safe") {
            base := add(packed.offset, offset)
        }
        uint256 header = _load(base + CANONICAL_OFFSET, 16);
        if (header != VERSION_AND_KIND) revert SealHeaderInvalid(uint16(header));
        seller = address(uint160(_load(base, 160)));
        uint256 c = base + CANONICAL_OFFSET;
        seal.meter = address(uint160(_load(c + 2, 160)));
        seal.seq = uint32(_load(c + 22, 32));
        seal.prev = bytes32(_load(c + 26, 256));
        seal.startS = uint32(_load(c + 58, 32));
        seal.endS = uint32(_load(c + 62, 32));
        seal.importStartWh = uint48(_load(c + 66, 48));
        seal.importEndWh = uint48(_load(c + 72, 48));
        seal.exportStartWh = uint48(_load(c + 78, 48));
        seal.exportEndWh = uint48(_load(c + 84, 48));
        seal.sampleCount = uint16(_load(c + 90, 16));
        bytes32 digest = _sha256Calldata(c, CANONICAL_BYTE_LENGTH);
        signer = SignatureLib.recover(
            digest,
            bytes32(_load(base + R_OFFSET, 256)),
            bytes32(_load(base + S_OFFSET, 256)),
            uint8(_load(base + V_OFFSET, 8))
        );
    }

    /// @dev The big-endian unsigned integer of `bits` bits starting at absolute calldata position `position`.
    function _load(uint256 position, uint256 bits) private pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := shr(sub(256, bits), calldataload(position))
        }
    }

    /// @dev SHA-256 (precompile 0x02) of `length` calldata bytes at absolute position `position`, hashed in
    /// scratch memory past the free pointer (not reserved: nothing else is written meanwhile).
    function _sha256Calldata(uint256 position, uint256 length) private view returns (bytes32 digest) {
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            calldatacopy(buffer, position, length)
            if iszero(staticcall(gas(), 0x02, buffer, length, 0x00, 0x20)) { revert(0, 0) }
            digest := mload(0x00)
        }
    }
}

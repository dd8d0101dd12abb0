// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SignatureLib
/// @notice Recovers the signer of a 65-byte r ‖ s ‖ v secp256k1 signature over a 32-byte digest, refusing what
/// `ecrecover` would silently accept or what would make a signature malleable (EIP-2: s ≤ n/2).
/// @dev The same checks as shared/protocol/signatureShape.ts, with the same meaning, as named errors.
library SignatureLib {
    /// @notice secp256k1 group order n (SEC 2 §2.4.1).
    uint256 internal constant SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;
    /// @notice n / 2: the largest s a low-S signature may carry.
    uint256 internal constant SECP256K1_HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;
    /// @notice Byte length of r ‖ s ‖ v.
    uint256 internal constant SIGNATURE_BYTE_LENGTH = 65;

    /// @notice The signature is not 65 bytes long.
    error SignatureLengthInvalid(uint256 length);
    /// @notice v is not 27 or 28.
    error SignatureRecoveryIdInvalid(uint8 v);
    /// @notice r or s is zero or not below the group order.
    error SignatureScalarOutOfRange();
    /// @notice s > n/2: the malleable twin of a valid low-S signature.
    error SignatureHighS(bytes32 s);
    /// @notice `ecrecover` found no public key for this signature and digest.
    error SignatureUnrecoverable();

    /// @notice Recovers the address that signed `digest` with (r, s, v); reverts on a malformed signature.
    function recover(bytes32 digest, bytes32 r, bytes32 s, uint8 v) internal pure returns (address signer) {
        if (v != 27 && v != 28) revert SignatureRecoveryIdInvalid(v);
        if (uint256(r) == 0 || uint256(r) >= SECP256K1_ORDER || uint256(s) == 0) revert SignatureScalarOutOfRange();
        if (uint256(s) > SECP256K1_HALF_ORDER) revert SignatureHighS(s);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert SignatureUnrecoverable();
    }

    /// @notice Same as {recover}, from a 65-byte r ‖ s ‖ v byte string.
    function recover(bytes32 digest, bytes memory signature) internal pure returns (address) {
        if (signature.length != SIGNATURE_BYTE_LENGTH) revert SignatureLengthInvalid(signature.length);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(signature, 32))
            s := mload(add(signature, 64))
            v := byte(0, mload(add(signature, 96)))
        }
        return recover(digest, r, s, v);
    }
}

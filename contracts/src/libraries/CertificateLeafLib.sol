// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/// @notice One certificate entitlement of a settled batch: `energyWh` of `meter`'s sealed generation bought by
/// `buyer` in the batch `batchKey`.
struct CertificateLeaf {
    bytes32 batchKey;
    address buyer;
    address meter;
    uint32 energyWh;
    uint32 generationStartS;
    uint32 generationEndS;
}

/// @title CertificateLeafLib
/// @notice Leaves and root of the certificate Merkle tree that settlement commits to in one storage slot, so
/// that no slot is written per trade; each buyer later mints its certificate with a proof
/// (OpenZeppelin `MerkleProof`, sorted-pair keccak256).
/// @dev Tree: leaves in trade order; each level hashes neighbours pairwise with `commutativeKeccak256`, an odd last
/// node moves up unchanged. Leaves hash 192 bytes, so no leaf can pass for a 64-byte inner node.
library CertificateLeafLib {
    /// @notice A tree needs at least one leaf.
    error EmptyTree();

    function hash(CertificateLeaf memory leaf) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(leaf.batchKey, leaf.buyer, leaf.meter, leaf.energyWh, leaf.generationStartS, leaf.generationEndS)
        );
    }

    /// @notice Root over `nodes` (overwritten in place). Reverts on an empty array.
    /// @dev Same tree as {proof} and OpenZeppelin `Hashes.commutativeKeccak256` (the smaller node first), hashed
    /// in scratch memory without checked arithmetic: settlement builds a tree per batch.
    function root(bytes32[] memory nodes) internal pure returns (bytes32 result) {
        if (nodes.length == 0) revert EmptyTree();
        assembly ("memory-safe") {
            let base := add(nodes, 0x20)
            for { let count := mload(nodes) } gt(count, 1) {} {
                let next := base
                let last := add(base, shl(5, sub(count, 1)))
                let i := base
                for {} lt(i, last) { i := add(i, 0x40) } {
                    // Sort the pair where it lies and hash it there: it is not read again.
                    let a := mload(i)
                    let b := mload(add(i, 0x20))
                    if gt(a, b) {
                        mstore(i, b)
                        mstore(add(i, 0x20), a)
                    }
                    mstore(next, keccak256(i, 0x40))
                    next := add(next, 0x20)
                }
                // An odd last node moves up unchanged.
                if eq(i, last) {
                    mstore(next, mload(i))
                    next := add(next, 0x20)
                }
                count := shr(5, sub(next, base))
            }
            result := mload(base)
        }
    }

    /// @notice The proof for leaf `index` in the tree {root} builds (for tests and off-chain tools).
    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory path) {
        bytes32[] memory level = leaves;
        bytes32[] memory scratch = new bytes32[](256);
        uint256 depth = 0;
        uint256 count = level.length;
        while (count > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < count) scratch[depth++] = level[sibling];
            bytes32[] memory nextLevel = new bytes32[]((count + 1) / 2);
            for (uint256 i = 0; i < count; i += 2) {
                nextLevel[i / 2] = i + 1 < count ? Hashes.commutativeKeccak256(level[i], level[i + 1]) : level[i];
            }
            level = nextLevel;
            count = nextLevel.length;
            index /= 2;
        }
        path = new bytes32[](depth);
        for (uint256 i = 0; i < depth; i++) {
            path[i] = scratch[i];
        }
    }
}

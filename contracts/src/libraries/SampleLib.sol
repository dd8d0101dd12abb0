// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A sample of protocol v1 (shared/protocol/recordTypes.ts): one measurement window, unsigned, made
/// tamper-evident by the hash chain that the next seal commits to.
struct Sample {
    address meter;
    uint32 seq;
    bytes32 prev;
    uint32 timeS;
    uint48 importWh;
    uint48 exportWh;
    int32 powerW;
    uint16 voltageDv;
    uint32 currentMa;
    uint16 powerFactorPermille;
}

/// @title SampleLib
/// @notice Canonical bytes and digest of a sample, so that a contract can check a chain link (`prev`) if needed.
/// @dev Layout, big-endian, 86 bytes: version u8 = 1 ‖ kind u8 = 1 ‖ meter 20 ‖ seq u32 ‖ prev 32 ‖ timeS u32 ‖
/// importWh u48 ‖ exportWh u48 ‖ powerW i32 (two's complement) ‖ voltageDv u16 ‖ currentMa u32 ‖
/// powerFactorPermille u16.
library SampleLib {
    uint8 internal constant PROTOCOL_VERSION = 1;
    uint8 internal constant RECORD_KIND_SAMPLE = 1;
    uint256 internal constant SAMPLE_BYTE_LENGTH = 86;

    function canonicalBytes(Sample memory sample) internal pure returns (bytes memory) {
        return abi.encodePacked(
            PROTOCOL_VERSION,
            RECORD_KIND_SAMPLE,
            sample.meter,
            sample.seq,
            sample.prev,
            sample.timeS,
            sample.importWh,
            sample.exportWh,
            sample.powerW,
            sample.voltageDv,
            sample.currentMa,
            sample.powerFactorPermille
        );
    }

    function digest(Sample memory sample) internal pure returns (bytes32) {
        return sha256(canonicalBytes(sample));
    }
}

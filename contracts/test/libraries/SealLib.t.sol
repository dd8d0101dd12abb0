// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "../support/Test.sol";
import {Seal, SealLib} from "../../src/libraries/SealLib.sol";
import {Sample, SampleLib} from "../../src/libraries/SampleLib.sol";
import {SignatureLib} from "../../src/libraries/SignatureLib.sol";
import {PackedSealLib} from "../../src/libraries/PackedSealLib.sol";

/// @dev Exposes the libraries as external calls so that reverts can be expected and calldata is real calldata.
contract SealLibHarness {
    function recoverSigner(Seal memory seal, bytes memory signature) external pure returns (address) {
        return SealLib.recoverSigner(seal, signature);
    }

    function readPacked(bytes calldata packed)
        external
        view
        returns (address seller, Seal memory seal, address signer)
    {
        return PackedSealLib.read(packed, 0);
    }
}

/// @notice Checks the Solidity encoding against every vector of shared/protocol/vectors/protocol-v1.json, the
/// file the TypeScript side is checked against too.
contract SealLibTest is Test {
    string internal constant VECTORS_PATH = "shared/protocol/vectors/protocol-v1.json";
    uint256 internal constant VECTOR_COUNT = 24;

    SealLibHarness internal harness = new SealLibHarness();
    string internal json;

    function setUp() public {
        json = vm.readFile(VECTORS_PATH);
    }

    function _key(uint256 index, string memory field) internal pure returns (string memory) {
        return string.concat(".vectors[", vm.toString(index), "].", field);
    }

    function _seal(uint256 i) internal view returns (Seal memory seal) {
        seal.meter = vm.parseJsonAddress(json, _key(i, "record.meter"));
        seal.seq = uint32(vm.parseJsonUint(json, _key(i, "record.seq")));
        seal.prev = vm.parseJsonBytes32(json, _key(i, "record.prev"));
        seal.startS = uint32(vm.parseJsonUint(json, _key(i, "record.startS")));
        seal.endS = uint32(vm.parseJsonUint(json, _key(i, "record.endS")));
        seal.importStartWh = uint48(vm.parseJsonUint(json, _key(i, "record.importStartWh")));
        seal.importEndWh = uint48(vm.parseJsonUint(json, _key(i, "record.importEndWh")));
        seal.exportStartWh = uint48(vm.parseJsonUint(json, _key(i, "record.exportStartWh")));
        seal.exportEndWh = uint48(vm.parseJsonUint(json, _key(i, "record.exportEndWh")));
        seal.sampleCount = uint16(vm.parseJsonUint(json, _key(i, "record.sampleCount")));
    }

    function _sample(uint256 i) internal view returns (Sample memory sample) {
        sample.meter = vm.parseJsonAddress(json, _key(i, "record.meter"));
        sample.seq = uint32(vm.parseJsonUint(json, _key(i, "record.seq")));
        sample.prev = vm.parseJsonBytes32(json, _key(i, "record.prev"));
        sample.timeS = uint32(vm.parseJsonUint(json, _key(i, "record.timeS")));
        sample.importWh = uint48(vm.parseJsonUint(json, _key(i, "record.importWh")));
        sample.exportWh = uint48(vm.parseJsonUint(json, _key(i, "record.exportWh")));
        sample.powerW = int32(vm.parseJsonInt(json, _key(i, "record.powerW")));
        sample.voltageDv = uint16(vm.parseJsonUint(json, _key(i, "record.voltageDv")));
        sample.currentMa = uint32(vm.parseJsonUint(json, _key(i, "record.currentMa")));
        sample.powerFactorPermille = uint16(vm.parseJsonUint(json, _key(i, "record.powerFactorPermille")));
    }

    function _isSeal(uint256 i) internal view returns (bool) {
        return keccak256(bytes(vm.parseJsonString(json, _key(i, "record.kind")))) == keccak256("seal");
    }

    function test_vectorFileHasAllVectors() public view {
        assertEq(vm.parseJsonKeys(json, ".vectors[23]").length > 0 ? 1 : 0, 1, "24th vector present");
        string[] memory top = vm.parseJsonKeys(json, "$");
        assertEq(top.length, 2, "about + vectors");
    }

    function test_everyVector_canonicalBytesDigestAndSigner() public view {
        uint256 seals;
        for (uint256 i = 0; i < VECTOR_COUNT; i++) {
            bytes memory expectedBytes = vm.parseJsonBytes(json, _key(i, "canonicalBytes"));
            bytes32 expectedDigest = vm.parseJsonBytes32(json, _key(i, "digest"));
            if (_isSeal(i)) {
                seals++;
                Seal memory seal = _seal(i);
                assertEq(SealLib.canonicalBytes(seal), expectedBytes, "seal canonical bytes");
                assertEq(expectedBytes.length, SealLib.SEAL_BYTE_LENGTH, "seal length");
                assertEq(SealLib.digest(seal), expectedDigest, "seal digest");
                bytes memory signature = vm.parseJsonBytes(json, _key(i, "signature"));
                address expectedSigner = vm.parseJsonAddress(json, _key(i, "address"));
                assertEq(harness.recoverSigner(seal, signature), expectedSigner, "seal signer");
                assertEq(seal.meter, expectedSigner, "meter id is the signer's address");
                (address seller, Seal memory packedSeal, address packedSigner) =
                    harness.readPacked(abi.encodePacked(address(0xBEEF), expectedBytes, signature));
                assertEq(seller, address(0xBEEF), "packed seller");
                assertEq(packedSigner, expectedSigner, "packed signer");
                assertEq(SealLib.canonicalBytes(packedSeal), expectedBytes, "packed fields decode to the same bytes");
            } else {
                Sample memory sample = _sample(i);
                assertEq(SampleLib.canonicalBytes(sample), expectedBytes, "sample canonical bytes");
                assertEq(expectedBytes.length, SampleLib.SAMPLE_BYTE_LENGTH, "sample length");
                assertEq(SampleLib.digest(sample), expectedDigest, "sample digest");
            }
        }
        assertEq(seals, 17, "seal vectors checked");
    }

    /// @dev Any change to a signed field gives another digest, so the recovered key is no longer the meter's.
    function testFuzz_tamperedFieldChangesSigner(uint256 vectorSeed, uint256 fieldSeed, uint256 delta) public view {
        uint256 i = _sealIndex(vectorSeed);
        Seal memory seal = _seal(i);
        bytes memory signature = vm.parseJsonBytes(json, _key(i, "signature"));
        delta = bound(delta, 1, type(uint16).max);
        uint256 field = bound(fieldSeed, 0, 9);
        if (field == 0) seal.meter = address(uint160(seal.meter) ^ uint160(delta));
        else if (field == 1) seal.seq ^= uint32(delta);
        else if (field == 2) seal.prev ^= bytes32(delta);
        else if (field == 3) seal.startS ^= uint32(delta);
        else if (field == 4) seal.endS ^= uint32(delta);
        else if (field == 5) seal.importStartWh ^= uint48(delta);
        else if (field == 6) seal.importEndWh ^= uint48(delta);
        else if (field == 7) seal.exportStartWh ^= uint48(delta);
        else if (field == 8) seal.exportEndWh ^= uint48(delta);
        else seal.sampleCount ^= uint16(delta);
        address expectedSigner = vm.parseJsonAddress(json, _key(i, "address"));
        try harness.recoverSigner(seal, signature) returns (address signer) {
            assertTrue(signer != expectedSigner, "tampered seal still recovers the meter");
        } catch {
            // no key recovers at all: also a refusal
        }
    }

    /// @dev Flipping any bit of r ‖ s ‖ v either is refused outright or recovers another key.
    function testFuzz_tamperedSignatureChangesSigner(uint256 vectorSeed, uint256 byteSeed, uint8 mask) public view {
        vm.assume(mask != 0);
        uint256 i = _sealIndex(vectorSeed);
        Seal memory seal = _seal(i);
        bytes memory signature = vm.parseJsonBytes(json, _key(i, "signature"));
        signature[bound(byteSeed, 0, 64)] ^= bytes1(mask);
        address expectedSigner = vm.parseJsonAddress(json, _key(i, "address"));
        try harness.recoverSigner(seal, signature) returns (address signer) {
            assertTrue(signer != expectedSigner, "tampered signature still recovers the meter");
        } catch {}
    }

    function test_refusesHighS() public {
        uint256 i = _sealIndex(0);
        Seal memory seal = _seal(i);
        bytes memory signature = vm.parseJsonBytes(json, _key(i, "signature"));
        (bytes32 r, bytes32 s, uint8 v) = _split(signature);
        bytes32 highS = bytes32(SignatureLib.SECP256K1_ORDER - uint256(s));
        vm.expectRevert(abi.encodeWithSelector(SignatureLib.SignatureHighS.selector, highS));
        harness.recoverSigner(seal, abi.encodePacked(r, highS, v == 27 ? uint8(28) : uint8(27)));
    }

    function test_refusesBadRecoveryId() public {
        uint256 i = _sealIndex(0);
        Seal memory seal = _seal(i);
        (bytes32 r, bytes32 s,) = _split(vm.parseJsonBytes(json, _key(i, "signature")));
        vm.expectRevert(abi.encodeWithSelector(SignatureLib.SignatureRecoveryIdInvalid.selector, uint8(1)));
        harness.recoverSigner(seal, abi.encodePacked(r, s, uint8(1)));
    }

    function test_refusesScalarsOutOfRange() public {
        Seal memory seal = _seal(_sealIndex(0));
        bytes32 n = bytes32(SignatureLib.SECP256K1_ORDER);
        vm.expectRevert(SignatureLib.SignatureScalarOutOfRange.selector);
        harness.recoverSigner(seal, abi.encodePacked(bytes32(0), bytes32(uint256(1)), uint8(27)));
        vm.expectRevert(SignatureLib.SignatureScalarOutOfRange.selector);
        harness.recoverSigner(seal, abi.encodePacked(n, bytes32(uint256(1)), uint8(27)));
        vm.expectRevert(SignatureLib.SignatureScalarOutOfRange.selector);
        harness.recoverSigner(seal, abi.encodePacked(bytes32(uint256(1)), bytes32(0), uint8(27)));
    }

    function test_refusesWrongLength() public {
        Seal memory seal = _seal(_sealIndex(0));
        vm.expectRevert(abi.encodeWithSelector(SignatureLib.SignatureLengthInvalid.selector, uint256(64)));
        harness.recoverSigner(seal, new bytes(64));
    }

    function test_packedRefusesWrongHeader() public {
        uint256 i = _sealIndex(0);
        bytes memory canonical = vm.parseJsonBytes(json, _key(i, "canonicalBytes"));
        canonical[1] = 0x01; // kind sample
        vm.expectRevert(abi.encodeWithSelector(PackedSealLib.SealHeaderInvalid.selector, uint16(0x0101)));
        harness.readPacked(abi.encodePacked(address(1), canonical, vm.parseJsonBytes(json, _key(i, "signature"))));
    }

    /// @dev The packed path (signature rules evaluated without branching) refuses exactly what SignatureLib refuses,
    /// with the same errors, and otherwise recovers the same signer: r, s and v on and around their bounds.
    function testFuzz_packedSignatureRulesMatchSignatureLib(
        uint256 vectorSeed,
        uint256 rSeed,
        uint256 sSeed,
        uint256 vSeed
    ) public view {
        uint256 i = _sealIndex(vectorSeed);
        bytes memory canonical = vm.parseJsonBytes(json, _key(i, "canonicalBytes"));
        bytes memory signature = _boundarySignature(i, rSeed, sSeed, vSeed);
        (bool referenceOk, bytes memory expected) =
            address(harness).staticcall(abi.encodeCall(harness.recoverSigner, (_seal(i), signature)));
        (bool packedOk, bytes memory packed) = address(harness)
            .staticcall(abi.encodeCall(harness.readPacked, (abi.encodePacked(address(1), canonical, signature))));
        assertTrue(packedOk == referenceOk, "same verdict");
        if (!packedOk) {
            assertEq(packed, expected, "same error");
            return;
        }
        (,, address signer) = abi.decode(packed, (address, Seal, address));
        assertEq(signer, abi.decode(expected, (address)), "same signer");
    }

    /// @dev Vector `i`'s signature with r, s and v each replaced by a boundary value or a random one, or kept.
    function _boundarySignature(uint256 i, uint256 rSeed, uint256 sSeed, uint256 vSeed)
        internal
        view
        returns (bytes memory)
    {
        (bytes32 r0, bytes32 s0, uint8 v0) = _split(vm.parseJsonBytes(json, _key(i, "signature")));
        uint256 n = SignatureLib.SECP256K1_ORDER;
        uint256 half = SignatureLib.SECP256K1_HALF_ORDER;
        uint256 r = _pick(rSeed, [0, 1, n - 1, n, n + 1, uint256(r0)], rSeed >> 8);
        uint256 s = _pick(sSeed, [0, 1, half, half + 1, n - uint256(s0), uint256(s0)], sSeed >> 8);
        uint256 v = _pick(vSeed, [uint256(0), 1, 26, 28, 29, v0], uint8(vSeed >> 8));
        return abi.encodePacked(r, s, uint8(v));
    }

    /// @dev One of six boundary values, or `fallbackValue` for a quarter of the seeds.
    function _pick(uint256 seed, uint256[6] memory values, uint256 fallbackValue) internal pure returns (uint256) {
        uint256 choice = seed % 8;
        return choice < 6 ? values[choice] : fallbackValue;
    }

    function _sealIndex(uint256 seed) internal view returns (uint256 i) {
        i = bound(seed, 0, VECTOR_COUNT - 1);
        while (!_isSeal(i)) i = (i + 1) % VECTOR_COUNT;
    }

    function _split(bytes memory signature) internal pure returns (bytes32 r, bytes32 s, uint8 v) {
        assembly {
            r := mload(add(signature, 32))
            s := mload(add(signature, 64))
            v := byte(0, mload(add(signature, 96)))
        }
    }
}

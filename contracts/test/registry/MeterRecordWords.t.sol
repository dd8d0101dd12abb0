// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketFixture} from "../support/MarketFixture.sol";
import {IMeterRegistry, MeterRecord, Technology} from "../../src/interfaces/IMeterRegistry.sol";
import {MeterRecordWordLib} from "../../src/libraries/MeterRecordWordLib.sol";

/// @notice `meterRecordWords` (what settlement reads, one call per batch) answers each meter's record as its storage
/// word, in order, as the ABI encoding of `uint256[]`.
contract MeterRecordWordsTest is MarketFixture {
    function setUp() public {
        _deployMarket();
    }

    function test_wordsAreTheRecordsInOrder() public {
        address active = _registerMeter(1, ZONE);
        address otherZone = _registerMeter(2, ZONE + 1);
        address deactivated = _registerMeter(3, ZONE);
        registry.deactivateMeter(deactivated);
        address[] memory meters = new address[](5);
        meters[0] = otherZone;
        meters[1] = address(0xdead); // never registered
        meters[2] = active;
        meters[3] = deactivated;
        meters[4] = active;
        uint256[] memory words = registry.meterRecordWords(meters);
        assertEq(words.length, meters.length, "one word per meter");
        for (uint256 i = 0; i < meters.length; i++) {
            MeterRecord memory record = registry.meterRecord(meters[i]);
            assertEq(MeterRecordWordLib.owner(words[i]), record.owner, "owner");
            assertEq(MeterRecordWordLib.zone(words[i]), record.zone, "zone");
            assertTrue(MeterRecordWordLib.isActive(words[i]) == record.isActive, "active");
            assertEq(uint8(words[i] >> 224), uint8(record.technology), "technology");
        }
        assertEq(words[1], 0, "unregistered: zero");
        assertEq(MeterRecordWordLib.zone(words[0]), ZONE + 1, "zone of the other meter");
        assertTrue(!MeterRecordWordLib.isActive(words[3]), "deactivated");
        assertEq(uint8(words[2] >> 224), uint8(Technology.Solar), "technology of the fixture");
    }

    function test_noMetersNoWords() public view {
        assertEq(registry.meterRecordWords(new address[](0)).length, 0, "empty");
    }

    /// @dev A caller that leaves junk in an address word's upper 12 bytes reads that address's record.
    function test_upperBitsOfAnAddressWordAreIgnored() public {
        address active = _registerMeter(1, ZONE);
        bytes memory call = abi.encodeWithSelector(
            IMeterRegistry.meterRecordWords.selector,
            uint256(0x20),
            uint256(1),
            (uint256(0xff) << 248) | uint160(active)
        );
        (bool ok, bytes memory answer) = address(registry).staticcall(call);
        assertTrue(ok, "answered");
        uint256[] memory words = abi.decode(answer, (uint256[]));
        assertEq(MeterRecordWordLib.owner(words[0]), _seller(1), "the clean address's record");
    }
}

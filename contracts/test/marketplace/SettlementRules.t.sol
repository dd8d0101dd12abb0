// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketFixture} from "../support/MarketFixture.sol";
import {SealSigning} from "../support/SealSigning.sol";
import {Seal} from "../../src/libraries/SealLib.sol";
import {ITradingMarketplace, MeterState} from "../../src/interfaces/ITradingMarketplace.sol";

/// @notice `settle` evaluates the seller entry and trade rules without branching and names a broken rule only on its
/// way out. These tests hold it to the rules as docs/contracts.md states them, one after another: a reference
/// written here in plain Solidity predicts, for seals placed on and around every boundary, the error (or success)
/// that settlement must produce.
contract SettlementRulesTest is MarketFixture {
    uint32 internal constant T0 = 1_767_290_000;
    /// @dev The interval the fuzzed seals settle; the meter's first seal ended at T0 + 600, before it.
    uint32 internal constant T1 = T0 + 900;
    uint32 internal constant LAST_SEQ = 10;
    uint32 internal constant LAST_END_S = T0 + 600;
    uint48 internal constant LAST_EXPORT_END_WH = 6_000;

    address internal meterA; // ZONE, owned by seller 1, settled once
    address internal meterB; // ZONE + 1
    address internal meterC; // ZONE, deactivated
    address internal meterD; // never registered

    function setUp() public {
        _deployMarket();
        meterA = _registerMeter(1, ZONE);
        meterB = _registerMeter(2, ZONE + 1);
        meterC = _registerMeter(3, ZONE);
        registry.deactivateMeter(meterC);
        meterD = vm.addr(_meterKey(4));
        _fund(_buyer(1), 2_000_000_000); // 4 000 kWh at PRICE_PER_KWH: every fuzzed sale is covered
        _fund(_buyer(2), 100_000_000);
        Seal memory first = SealSigning.seal(meterA, LAST_SEQ, T0, LAST_END_S, 5_000, LAST_EXPORT_END_WH);
        bytes memory sellers = SealSigning.sellerEntry(_meterKey(1), _seller(1), first);
        vm.prank(settler); // after building the calldata: a precompile call would take the prank
        market.settle(ZONE, T0, T0 + 900, PRICE_PER_KWH, sellers, SealSigning.trade(_buyer(1), 0, 100));
    }

    /// @dev One fuzzed seller entry and what it is sold.
    struct Case {
        uint256 meterIndex;
        address meter;
        address seller;
        Seal seal;
        uint32 soldWh;
    }

    /// @dev Settles interval T1 of ZONE at PRICE_PER_KWH as the settler. Arguments are built by the caller, before
    /// the prank: a precompile call while building them would take it.
    function _settleT1(bytes memory sellers, bytes memory trades) internal {
        vm.prank(settler);
        market.settle(ZONE, T1, T1 + 900, PRICE_PER_KWH, sellers, trades);
    }

    /// @dev Picks one of a few boundary values (or, for the last choice, `fallbackValue`).
    function _pick(uint256 seed, uint256[5] memory values, uint256 fallbackValue) internal pure returns (uint256) {
        uint256 choice = seed % 6;
        return choice < 5 ? values[choice] : fallbackValue;
    }

    function _case(uint256 who, uint256 seqSeed, uint256 timeSeed, uint256 exportSeed, uint256 soldSeed)
        internal
        view
        returns (Case memory c)
    {
        // Mostly meter A and its owner, so that the seal rules are reached.
        uint256 meterChoice = who % 8;
        c.meterIndex = meterChoice < 5 ? 1 : meterChoice - 3; // 1 (A), 2 (B), 3 (C), 4 (D)
        c.meter = [meterA, meterB, meterC, meterD][c.meterIndex - 1];
        c.seller = (who >> 8) % 5 == 0 ? _seller(9) : _seller(c.meterIndex);
        c.seal.meter = c.meter;
        c.seal.seq = uint32(bound(seqSeed, LAST_SEQ - 1, LAST_SEQ + 2));
        c.seal.prev = keccak256(abi.encode(c.meter, c.seal.seq));
        uint256 now_ = block.timestamp;
        c.seal.startS = uint32(
            _pick(timeSeed, [uint256(LAST_END_S - 1), LAST_END_S, T1 - 1, T1, T1 + 1], bound(timeSeed >> 8, T0, now_))
        );
        c.seal.endS = uint32(
            _pick(
                timeSeed >> 64,
                [uint256(c.seal.startS), uint256(c.seal.startS) + 1, T1 + 900, T1 + 901, now_ + 1],
                bound(timeSeed >> 72, T0, now_ + 10)
            )
        );
        c.seal.importStartWh = 1_000;
        c.seal.importEndWh = 1_000;
        c.seal.exportStartWh = uint48(
            _pick(
                exportSeed,
                [uint256(LAST_EXPORT_END_WH - 1), LAST_EXPORT_END_WH, LAST_EXPORT_END_WH + 1, 0, 2 ** 48 - 1],
                bound(exportSeed >> 8, 0, 20_000)
            )
        );
        uint256 exportEndWh = _pick(
            exportSeed >> 64,
            [
                uint256(c.seal.exportStartWh),
                uint256(c.seal.exportStartWh) + 1,
                uint256(c.seal.exportStartWh) + 1_000,
                0,
                2 ** 48 - 1
            ],
            bound(exportSeed >> 72, 0, 20_000)
        );
        c.seal.exportEndWh = uint48(exportEndWh > 2 ** 48 - 1 ? 2 ** 48 - 1 : exportEndWh);
        c.seal.sampleCount = 90;
        uint256 spanWh = c.seal.exportEndWh >= c.seal.exportStartWh ? c.seal.exportEndWh - c.seal.exportStartWh : 0;
        uint256 soldWh = _pick(soldSeed, [spanWh - (spanWh > 1 ? 1 : 0), spanWh, spanWh + 1, 1, 3_000], soldSeed >> 8);
        c.soldWh = uint32(bound(soldWh, 1, 4_000_000));
    }

    /// @dev The reference: the rules of docs/contracts.md §"Settlement rules", in their order; empty when all hold.
    function _expectedError(Case memory c) internal view returns (bytes memory) {
        Seal memory s = c.seal;
        if (c.meter == meterC || c.meter == meterD) {
            return abi.encodeWithSelector(ITradingMarketplace.MeterNotActive.selector, c.meter);
        }
        if (c.meter == meterB) {
            return abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, c.meter, ZONE, ZONE + 1);
        }
        if (c.seller != _seller(1)) {
            return
                abi.encodeWithSelector(
                    ITradingMarketplace.MeterNotOwnedBySeller.selector, c.meter, c.seller, _seller(1)
                );
        }
        if (s.endS <= s.startS || s.endS > block.timestamp || s.exportEndWh < s.exportStartWh) {
            return abi.encodeWithSelector(ITradingMarketplace.SealIntervalInvalid.selector, c.meter, s.startS, s.endS);
        }
        if (s.seq <= LAST_SEQ) {
            return abi.encodeWithSelector(ITradingMarketplace.SealReplayed.selector, c.meter, s.seq, LAST_SEQ);
        }
        if (s.startS < LAST_END_S) {
            return
                abi.encodeWithSelector(ITradingMarketplace.SealOverlapsSettled.selector, c.meter, s.startS, LAST_END_S);
        }
        if (s.exportStartWh < LAST_EXPORT_END_WH) {
            return abi.encodeWithSelector(
                ITradingMarketplace.ExportCounterRolledBack.selector, c.meter, s.exportStartWh, LAST_EXPORT_END_WH
            );
        }
        if (s.startS < T1 || s.endS > T1 + 900) {
            return abi.encodeWithSelector(
                ITradingMarketplace.SealOutsideInterval.selector, c.meter, s.startS, s.endS, T1, T1 + 900
            );
        }
        if (c.soldWh > s.exportEndWh - s.exportStartWh) {
            return abi.encodeWithSelector(
                ITradingMarketplace.SoldMoreThanSealed.selector,
                c.meter,
                uint256(c.soldWh),
                uint256(s.exportEndWh - s.exportStartWh)
            );
        }
        return "";
    }

    /// @dev Seals on and around every boundary of every seller entry rule: settlement fails exactly when the
    /// reference says a rule breaks, with that rule's error, and otherwise advances the meter and pays the seller.
    function testFuzz_sellerEntry_failsExactlyAsTheRulesSay(
        uint256 who,
        uint256 seqSeed,
        uint256 timeSeed,
        uint256 exportSeed,
        uint256 soldSeed
    ) public {
        Case memory c = _case(who, seqSeed, timeSeed, exportSeed, soldSeed);
        bytes memory sellers = SealSigning.sellerEntry(_meterKey(c.meterIndex), c.seller, c.seal);
        bytes memory trades = SealSigning.trade(_buyer(1), 0, c.soldWh);
        bytes memory expected = _expectedError(c);
        uint256 sellerBalance = market.accountOf(_seller(1)).balance;
        if (expected.length != 0) vm.expectRevert(expected);
        _settleT1(sellers, trades);
        if (expected.length != 0) return;
        MeterState memory state = market.meterStateOf(meterA);
        assertEq(state.lastSeq, c.seal.seq, "last seq");
        assertEq(state.lastEndS, c.seal.endS, "last end");
        assertEq(state.lastExportEndWh, c.seal.exportEndWh, "last export end");
        assertEq(state.paidWh, 100 + uint256(c.soldWh), "paid Wh");
        uint256 gross = uint256(c.soldWh) * PRICE_PER_KWH / 1000;
        assertEq(market.accountOf(_seller(1)).balance, sellerBalance + gross - gross * FEE_BPS / 10_000, "seller paid");
    }

    function test_secondSealOfAMeterInOneBatchContinuesTheFirst() public {
        Seal memory early = SealSigning.seal(meterA, 11, T1, T1 + 450, 6_000, 6_500);
        Seal memory late = SealSigning.seal(meterA, 12, T1 + 450, T1 + 900, 6_500, 7_000);
        bytes memory inOrder = bytes.concat(
            SealSigning.sellerEntry(_meterKey(1), _seller(1), early),
            SealSigning.sellerEntry(_meterKey(1), _seller(1), late)
        );
        bytes memory reversed = bytes.concat(
            SealSigning.sellerEntry(_meterKey(1), _seller(1), late),
            SealSigning.sellerEntry(_meterKey(1), _seller(1), early)
        );
        bytes memory trades = bytes.concat(SealSigning.trade(_buyer(1), 0, 500), SealSigning.trade(_buyer(1), 1, 500));
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.SealReplayed.selector, meterA, 11, 12));
        _settleT1(reversed, trades);
        _settleT1(inOrder, trades);
        MeterState memory state = market.meterStateOf(meterA);
        assertEq(state.lastSeq, 12, "last seq");
        assertEq(state.lastExportEndWh, 7_000, "last export end");
        assertEq(state.paidWh, 1_100, "paid Wh");
    }

    function test_firstSealOfAMeterMayHaveSeqZero_notTwice() public {
        address meterE = _registerMeter(5, ZONE);
        bytes memory entry =
            SealSigning.sellerEntry(_meterKey(5), _seller(5), SealSigning.seal(meterE, 0, T1, T1 + 900, 0, 1_000));
        _settleT1(entry, SealSigning.trade(_buyer(1), 0, 100));
        assertTrue(market.meterStateOf(meterE).hasSettled, "settled");
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.SealReplayed.selector, meterE, 0, 0));
        vm.prank(settler);
        market.settle(ZONE, T1 + 900, T1 + 1_800, PRICE_PER_KWH, entry, SealSigning.trade(_buyer(1), 0, 100));
    }

    function _entryA() internal view returns (bytes memory) {
        return
            SealSigning.sellerEntry(_meterKey(1), _seller(1), SealSigning.seal(meterA, 11, T1, T1 + 900, 6_000, 7_000));
    }

    function test_tradeRulesNameTheTrade() public {
        bytes memory entry = _entryA();
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.TradeEnergyZero.selector, 2));
        _settleT1(
            entry,
            bytes.concat(
                SealSigning.trade(_buyer(1), 0, 100),
                SealSigning.trade(_buyer(1), 0, 50),
                SealSigning.trade(_buyer(2), 0, 0)
            )
        );
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.SellerIndexOutOfRange.selector, 5, 1));
        _settleT1(entry, bytes.concat(SealSigning.trade(_buyer(1), 0, 100), SealSigning.trade(_buyer(2), 5, 0)));
    }

    function test_underfundedBuyerOfALaterRun() public {
        bytes memory entry = _entryA();
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.InsufficientDeposit.selector, _buyer(3), 50_000, 0));
        _settleT1(
            entry,
            bytes.concat(
                SealSigning.trade(_buyer(1), 0, 100),
                SealSigning.trade(_buyer(3), 0, 150),
                SealSigning.trade(_buyer(3), 0, 50)
            )
        );
    }

    /// @dev Grouping by buyer is the relay's economy, not a rule: a buyer in two runs is debited for both.
    function test_buyerInTwoRunsIsDebitedForBoth() public {
        uint256 before = market.accountOf(_buyer(1)).balance;
        bytes memory entry = _entryA();
        _settleT1(
            entry,
            bytes.concat(
                SealSigning.trade(_buyer(1), 0, 100),
                SealSigning.trade(_buyer(2), 0, 100),
                SealSigning.trade(_buyer(1), 0, 300)
            )
        );
        assertEq(market.accountOf(_buyer(1)).balance, before - 100_000, "buyer 1 debited for 400 Wh");
        assertEq(market.accountOf(_buyer(1)).boughtWh, 100 + 400, "buyer 1 bought Wh");
        assertEq(market.accountOf(_seller(1)).soldWh, 100 + 500, "seller sold Wh");
    }
}

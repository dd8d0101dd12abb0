// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {MarketFixture} from "../support/MarketFixture.sol";
import {SealSigning} from "../support/SealSigning.sol";
import {Seal} from "../../src/libraries/SealLib.sol";
import {ITradingMarketplace, Account, MeterState} from "../../src/interfaces/ITradingMarketplace.sol";

contract TradingMarketplaceTest is MarketFixture {
    address internal meterA;
    address internal meterB;
    uint32 internal constant T0 = 1_767_290_000;

    function setUp() public {
        _deployMarket();
        meterA = _registerMeter(1, ZONE);
        meterB = _registerMeter(2, ZONE);
        _fund(_buyer(1), 1_000_000);
        _fund(_buyer(2), 1_000_000);
    }

    function _entryA(uint32 seq, uint32 startS, uint48 exportStartWh, uint48 exportEndWh)
        internal
        view
        returns (bytes memory)
    {
        Seal memory seal = SealSigning.seal(meterA, seq, startS, startS + 900, exportStartWh, exportEndWh);
        return SealSigning.sellerEntry(_meterKey(1), _seller(1), seal);
    }

    function _settle(uint32 intervalStartS, bytes memory sellers, bytes memory trades) internal returns (bytes32) {
        vm.prank(settler);
        return market.settle(ZONE, intervalStartS, intervalStartS + 900, PRICE_PER_KWH, sellers, trades);
    }

    function _expectSettleRevert(uint32 intervalStartS, bytes memory sellers, bytes memory trades, bytes memory err)
        internal
    {
        vm.expectRevert(err);
        vm.prank(settler);
        market.settle(ZONE, intervalStartS, intervalStartS + 900, PRICE_PER_KWH, sellers, trades);
    }

    function test_settle_paysSellersDebitsBuyersAccruesFee() public {
        bytes memory sellers = bytes.concat(
            _entryA(10, T0, 5_000, 7_000),
            SealSigning.sellerEntry(_meterKey(2), _seller(2), SealSigning.seal(meterB, 3, T0, T0 + 900, 100, 600))
        );
        bytes memory trades = bytes.concat(
            SealSigning.trade(_buyer(1), 0, 1_200), // 0.3 dEUR
            SealSigning.trade(_buyer(1), 1, 400), // 0.1 dEUR
            SealSigning.trade(_buyer(2), 0, 800) // 0.2 dEUR
        );
        bytes32 batchKey = _settle(T0, sellers, trades);

        assertEq(market.accountOf(_buyer(1)).balance, 1_000_000 - 400_000, "buyer 1 debited");
        assertEq(market.accountOf(_buyer(2)).balance, 1_000_000 - 200_000, "buyer 2 debited");
        assertEq(market.accountOf(_seller(1)).balance, 500_000 - 5_000, "seller A paid minus 1 %");
        assertEq(market.accountOf(_seller(2)).balance, 100_000 - 1_000, "seller B paid minus 1 %");
        assertEq(market.accountOf(_seller(1)).soldWh, 2_000, "seller A sold Wh");
        assertEq(market.accountOf(_buyer(1)).boughtWh, 1_600, "buyer 1 bought Wh");
        assertEq(market.feesAccrued(), 6_000, "fees");
        MeterState memory state = market.meterStateOf(meterA);
        assertEq(state.lastSeq, 10, "last seq");
        assertEq(state.lastEndS, T0 + 900, "last end");
        assertEq(state.lastExportEndWh, 7_000, "last export end");
        assertEq(state.paidWh, 2_000, "paid Wh");
        assertTrue(market.certificateRoot(batchKey) != bytes32(0), "certificate root stored");
        assertEq(token.balanceOf(address(market)), 2_000_000, "tokens stay in the ledger");
    }

    function test_settle_refusesSecondSettlementOfInterval() public {
        _settle(T0, _entryA(1, T0, 0, 1_000), SealSigning.trade(_buyer(1), 0, 100));
        _expectSettleRevert(
            T0,
            _entryA(2, T0 + 900, 1_000, 2_000),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.IntervalAlreadySettled.selector, ZONE, T0)
        );
    }

    function test_settle_refusesForgedSeal() public {
        Seal memory seal = SealSigning.seal(meterA, 1, T0, T0 + 900, 0, 1_000);
        bytes memory forged = SealSigning.sellerEntry(_meterKey(99), _seller(1), seal);
        _expectSettleRevert(
            T0,
            forged,
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.SealSignerMismatch.selector, meterA, vm.addr(_meterKey(99)))
        );
    }

    function test_settle_refusesTamperedExport() public {
        bytes memory entry = _entryA(1, T0, 0, 1_000);
        entry[20 + 89] = bytes1(uint8(entry[20 + 89]) ^ 0x01); // last byte of exportEndWh
        vm.expectRevert(); // SealSignerMismatch with whatever key the tampered digest recovers
        vm.prank(settler);
        market.settle(ZONE, T0, T0 + 900, PRICE_PER_KWH, entry, SealSigning.trade(_buyer(1), 0, 100));
    }

    function test_settle_refusesReplayedSeal() public {
        bytes memory entry = _entryA(2, T0, 0, 1_000);
        _settle(T0, entry, SealSigning.trade(_buyer(1), 0, 100));
        _expectSettleRevert(
            T0 + 900,
            _entryA(1, T0 + 900, 1_000, 2_000),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.SealReplayed.selector, meterA, uint32(1), uint32(2))
        );
        // The settled seal itself again pays only within its own interval.
        _expectSettleRevert(
            T0 + 900,
            entry,
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(
                ITradingMarketplace.SealOutsideInterval.selector, meterA, T0, T0 + 900, T0 + 900, T0 + 1_800
            )
        );
    }

    function test_settle_refusesOverlappingSeal() public {
        _settle(T0, _entryA(1, T0, 0, 1_000), SealSigning.trade(_buyer(1), 0, 100));
        _expectSettleRevert(
            T0 + 900,
            _entryA(2, T0 + 600, 1_000, 2_000),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.SealOverlapsSettled.selector, meterA, T0 + 600, uint32(T0 + 900))
        );
    }

    function test_settle_refusesExportRollBack() public {
        _settle(T0, _entryA(1, T0, 0, 1_000), SealSigning.trade(_buyer(1), 0, 100));
        _expectSettleRevert(
            T0 + 900,
            _entryA(2, T0 + 900, 900, 2_000),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(
                ITradingMarketplace.ExportCounterRolledBack.selector, meterA, uint48(900), uint48(1_000)
            )
        );
    }

    function test_settle_refusesWrongZone() public {
        address meterC = _registerMeter(3, ZONE + 1);
        Seal memory seal = SealSigning.seal(meterC, 1, T0, T0 + 900, 0, 1_000);
        _expectSettleRevert(
            T0,
            SealSigning.sellerEntry(_meterKey(3), _seller(3), seal),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, meterC, ZONE, ZONE + 1)
        );
    }

    function test_settle_refusesWrongOwner() public {
        Seal memory seal = SealSigning.seal(meterA, 1, T0, T0 + 900, 0, 1_000);
        _expectSettleRevert(
            T0,
            SealSigning.sellerEntry(_meterKey(1), _seller(2), seal),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.MeterNotOwnedBySeller.selector, meterA, _seller(2), _seller(1))
        );
    }

    function test_settle_refusesUnregisteredAndDeactivatedMeters() public {
        address stranger = vm.addr(_meterKey(50));
        Seal memory seal = SealSigning.seal(stranger, 1, T0, T0 + 900, 0, 1_000);
        _expectSettleRevert(
            T0,
            SealSigning.sellerEntry(_meterKey(50), _seller(50), seal),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.MeterNotActive.selector, stranger)
        );
        registry.deactivateMeter(meterA);
        _expectSettleRevert(
            T0,
            _entryA(1, T0, 0, 1_000),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.MeterNotActive.selector, meterA)
        );
    }

    function test_settle_refusesSellingMoreThanSealed() public {
        _expectSettleRevert(
            T0,
            _entryA(1, T0, 0, 1_000),
            bytes.concat(SealSigning.trade(_buyer(1), 0, 600), SealSigning.trade(_buyer(2), 0, 401)),
            abi.encodeWithSelector(ITradingMarketplace.SoldMoreThanSealed.selector, meterA, 1_001, 1_000)
        );
    }

    function test_settle_refusesUnderfundedBuyer() public {
        _expectSettleRevert(
            T0,
            _entryA(1, T0, 0, 10_000),
            SealSigning.trade(_buyer(3), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.InsufficientDeposit.selector, _buyer(3), 25_000, 0)
        );
    }

    function test_settle_refusesFutureOrEmptySealInterval() public {
        Seal memory seal = SealSigning.seal(meterA, 1, uint32(block.timestamp), uint32(block.timestamp + 1), 0, 100);
        _expectSettleRevert(
            T0,
            SealSigning.sellerEntry(_meterKey(1), _seller(1), seal),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.SealIntervalInvalid.selector, meterA, seal.startS, seal.endS)
        );
    }

    function test_settle_refusesSealOfAnotherInterval() public {
        // A seal of the next interval, valid for continuity, cannot pay this one.
        _expectSettleRevert(
            T0,
            _entryA(1, T0 + 900, 0, 1_000),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(
                ITradingMarketplace.SealOutsideInterval.selector, meterA, T0 + 900, T0 + 1_800, T0, T0 + 900
            )
        );
        // Nor a seal of the previous one.
        _expectSettleRevert(
            T0,
            _entryA(1, T0 - 900, 0, 1_000),
            SealSigning.trade(_buyer(1), 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.SealOutsideInterval.selector, meterA, T0 - 900, T0, T0, T0 + 900)
        );
        // A seal within the interval settles.
        _settle(T0, _entryA(1, T0, 0, 1_000), SealSigning.trade(_buyer(1), 0, 100));
    }

    function test_settle_refusesEmptyOrUnfinishedInterval() public {
        bytes memory entry = _entryA(1, T0, 0, 1_000);
        bytes memory trades = SealSigning.trade(_buyer(1), 0, 100);
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.IntervalInvalid.selector, T0, T0));
        vm.prank(settler);
        market.settle(ZONE, T0, T0, PRICE_PER_KWH, entry, trades);
        uint32 futureEndS = uint32(block.timestamp + 1);
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.IntervalInvalid.selector, T0, futureEndS));
        vm.prank(settler);
        market.settle(ZONE, T0, futureEndS, PRICE_PER_KWH, entry, trades);
    }

    function test_settle_refusesMalformedCalldata() public {
        bytes memory entry = _entryA(1, T0, 0, 1_000);
        _expectSettleRevert(
            T0,
            entry,
            bytes.concat(SealSigning.trade(_buyer(1), 0, 100), hex"00"),
            abi.encodeWithSelector(ITradingMarketplace.TradesCalldataMalformed.selector, 27)
        );
        _expectSettleRevert(
            T0,
            entry,
            SealSigning.trade(_buyer(1), 1, 100),
            abi.encodeWithSelector(ITradingMarketplace.SellerIndexOutOfRange.selector, 1, 1)
        );
        _expectSettleRevert(T0, entry, "", abi.encodeWithSelector(ITradingMarketplace.BatchEmpty.selector));
    }

    function test_settle_onlySettlerAndNotWhilePaused() public {
        bytes memory entry = _entryA(1, T0, 0, 1_000);
        bytes memory trades = SealSigning.trade(_buyer(1), 0, 100);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(this)));
        market.settle(ZONE, T0, T0 + 900, PRICE_PER_KWH, entry, trades);
        vm.prank(guardian);
        market.pause();
        _expectSettleRevert(T0, entry, trades, abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        market.unpause();
        _settle(T0, entry, trades);
    }

    function test_withdraw_returnsEscrowEvenWhenPaused() public {
        vm.prank(guardian);
        market.pause();
        vm.prank(_buyer(1));
        market.withdraw(_buyer(1), 400_000);
        assertEq(token.balanceOf(_buyer(1)), 400_000, "withdrawn");
        assertEq(market.accountOf(_buyer(1)).balance, 600_000, "remaining escrow");
        vm.expectRevert(
            abi.encodeWithSelector(ITradingMarketplace.InsufficientBalance.selector, _buyer(1), 600_001, 600_000)
        );
        vm.prank(_buyer(1));
        market.withdraw(_buyer(1), 600_001);
    }

    function test_setFeeBps_capped() public {
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.FeeAboveCap.selector, 301, 300));
        market.setFeeBps(301);
        market.setFeeBps(300);
        assertEq(market.feeBps(), 300, "fee set");
    }

    /// @dev Any amounts and prices: money is conserved, sellers get gross − fee, nobody is paid past its seal.
    function testFuzz_settle_conservesMoneyAndCapsEnergy(
        uint32 exportWh,
        uint32 soldFirstWh,
        uint32 soldSecondWh,
        uint96 pricePerKWh,
        uint16 feeBps
    ) public {
        exportWh = uint32(bound(exportWh, 2, 4_000_000));
        soldFirstWh = uint32(bound(soldFirstWh, 1, exportWh - 1));
        soldSecondWh = uint32(bound(soldSecondWh, 1, exportWh - soldFirstWh));
        pricePerKWh = uint96(bound(pricePerKWh, 0, 10_000_000));
        market.setFeeBps(uint16(bound(feeBps, 0, 300)));
        uint256 gross = uint256(soldFirstWh) * pricePerKWh / 1000 + uint256(soldSecondWh) * pricePerKWh / 1000;
        if (gross > 0) _fund(_buyer(1), gross);
        bytes memory sellers = _entryA(1, T0, 0, exportWh);
        bytes memory trades =
            bytes.concat(SealSigning.trade(_buyer(1), 0, soldFirstWh), SealSigning.trade(_buyer(1), 0, soldSecondWh));
        vm.prank(settler); // after building the calldata: a precompile call would take the prank
        market.settle(ZONE, T0, T0 + 900, pricePerKWh, sellers, trades);
        Account memory seller = market.accountOf(_seller(1));
        assertEq(seller.balance + market.feesAccrued(), gross, "seller + fee = gross");
        assertLe(market.meterStateOf(meterA).paidWh, exportWh, "paid within seal");
        uint256 ledger = market.accountOf(_buyer(1)).balance + market.accountOf(_buyer(2)).balance + seller.balance;
        assertEq(ledger + market.feesAccrued(), token.balanceOf(address(market)), "ledger + fees = tokens held");
    }
}

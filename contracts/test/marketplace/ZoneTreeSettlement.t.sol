// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {MarketFixture} from "../support/MarketFixture.sol";
import {SealSigning} from "../support/SealSigning.sol";
import {Seal} from "../../src/libraries/SealLib.sol";
import {ITradingMarketplace, MeterState} from "../../src/interfaces/ITradingMarketplace.sol";

/// @notice Each rule of zone-tree settlement on its own (docs/contracts.md §"Zone ids", §"Grid fees", §"One seal in
/// several batches"): which meters a batch of a zone may pay, the grid fees it charges and to whom, the buyer climb
/// bits, and a seal paid in two batches of its interval. SettlementRules.t.sol fuzzes the same rules together.
contract ZoneTreeSettlementTest is MarketFixture {
    uint32 internal constant T0 = 1_767_290_000;

    // Substation 1 ⊃ feeder 1 ⊃ houses 1 and 2; feeder 2 beside feeder 1.
    uint64 internal constant SUBSTATION = 0x0001_0000_0000_0000;
    uint64 internal constant FEEDER = 0x0001_0001_0000_0000;
    uint64 internal constant HOUSE_A = 0x0001_0001_0001_0000;
    uint64 internal constant HOUSE_B = 0x0001_0001_0002_0000;
    uint64 internal constant OTHER_FEEDER = 0x0001_0002_0000_0000;

    uint32 internal constant HOUSE_FEE = 1_000; // per kWh entered at each level, token base units
    uint32 internal constant FEEDER_FEE = 2_000;
    uint32 internal constant SUBSTATION_FEE = 4_000;
    address internal constant GRID_OPERATOR = address(0x6A1D0);

    address internal meterA; // HOUSE_A
    address internal meterB; // HOUSE_B
    address internal meterF; // FEEDER: connected at the feeder level
    address internal meterO; // OTHER_FEEDER
    address internal meterH; // ZONE, a hash zone

    function setUp() public {
        _deployMarket();
        meterA = _registerMeter(1, HOUSE_A);
        meterB = _registerMeter(2, HOUSE_B);
        meterF = _registerMeter(3, FEEDER);
        meterO = _registerMeter(4, OTHER_FEEDER);
        meterH = _registerMeter(5, ZONE);
        _fund(_buyer(1), 100_000_000);
        _fund(_buyer(2), 100_000_000);
    }

    /// @dev Meter `i`'s seal of interval T0 with `exportWh` of export from 10 000 Wh.
    function _entry(uint256 i, address meter, uint48 exportWh) internal view returns (bytes memory) {
        return SealSigning.sellerEntry(
            _meterKey(i), _seller(i), SealSigning.seal(meter, 7, T0, T0 + 900, 10_000, 10_000 + exportWh)
        );
    }

    function _settle(uint64 zone, bytes memory sellers, bytes memory trades) internal {
        vm.prank(settler);
        market.settle(zone, T0, T0 + 900, PRICE_PER_KWH, sellers, trades);
    }

    function _expectSettleRevert(uint64 zone, bytes memory sellers, bytes memory trades, bytes memory err) internal {
        vm.expectRevert(err);
        _settle(zone, sellers, trades);
    }

    function _setFees() internal {
        market.setGridFees(HOUSE_FEE, FEEDER_FEE, SUBSTATION_FEE);
        market.setGridOperator(GRID_OPERATOR);
    }

    // ─── Zone mask ───────────────────────────────────────────────────────────────────────────────────────────

    function test_meterOfADescendantZoneSettlesInEachAncestorBatch() public {
        bytes memory trades = bytes.concat(SealSigning.trade(_buyer(1), 0, 100), SealSigning.trade(_buyer(1), 1, 100));
        // A meter connected at the feeder level (F) settles in the feeder's and the substation's batches.
        bytes memory sellers = bytes.concat(_entry(1, meterA, 1_000), _entry(3, meterF, 1_000));
        _settle(HOUSE_A, _entry(1, meterA, 1_000), SealSigning.trade(_buyer(1), 0, 100));
        _settle(FEEDER, sellers, trades);
        _settle(SUBSTATION, sellers, trades);
        assertEq(market.meterStateOf(meterA).lastSealPaidWh, 300, "three batches, one seal");
        assertEq(market.meterStateOf(meterF).lastSealPaidWh, 200, "two batches, one seal");
    }

    function test_siblingAndAncestorOfTheBatchZoneAreRefused() public {
        bytes memory trade = SealSigning.trade(_buyer(1), 0, 100);
        // A sibling house.
        _expectSettleRevert(
            HOUSE_A,
            _entry(2, meterB, 1_000),
            trade,
            abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, meterB, HOUSE_A, HOUSE_B)
        );
        // A meter of the feeder is not within one of its houses.
        _expectSettleRevert(
            HOUSE_A,
            _entry(3, meterF, 1_000),
            trade,
            abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, meterF, HOUSE_A, FEEDER)
        );
        // Another feeder's meter in this feeder's batch.
        _expectSettleRevert(
            FEEDER,
            _entry(4, meterO, 1_000),
            trade,
            abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, meterO, FEEDER, OTHER_FEEDER)
        );
    }

    function test_hashZonesMatchExactly() public {
        bytes memory trade = SealSigning.trade(_buyer(1), 0, 100);
        // ZONE = 7 has level 0: its mask is every bit, so only ZONE itself matches.
        _expectSettleRevert(
            ZONE + 1,
            _entry(5, meterH, 1_000),
            trade,
            abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, meterH, ZONE + 1, ZONE)
        );
        // Zone 0 is level 0 too: exact match only, not the tree's root.
        _expectSettleRevert(
            0,
            _entry(5, meterH, 1_000),
            trade,
            abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, meterH, 0, ZONE)
        );
        _expectSettleRevert(
            0,
            _entry(1, meterA, 1_000),
            trade,
            abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, meterA, 0, HOUSE_A)
        );
        _settle(ZONE, _entry(5, meterH, 1_000), trade);
        address meterZero = _registerMeter(6, 0);
        _settle(0, _entry(6, meterZero, 1_000), trade);
    }

    // ─── Grid fees ───────────────────────────────────────────────────────────────────────────────────────────

    /// @dev The benchmark's shape in small: a feeder batch paying sellers of both houses, buyers climbing one level.
    function test_feederBatchChargesTheFeederFeeToSellersAndClimbingBuyers() public {
        _setFees();
        bytes memory sellers = bytes.concat(_entry(1, meterA, 2_000), _entry(2, meterB, 2_000));
        bytes memory trades = bytes.concat(
            SealSigning.trade(_buyer(1), 1, 0, 1_200), // climbed from a house: fee(1, 2) = FEEDER_FEE
            SealSigning.trade(_buyer(1), 1, 1, 333),
            SealSigning.trade(_buyer(2), 0, 0, 500) // metered in the feeder itself: no climb, no fee
        );
        // Buyer 1: amounts 300 000 + 83 250, fees 2 400 + 666 (⌊333 × 2 000 / 1 000⌋).
        // Buyer 2: 125 000. Sellers: A sold 1 700 Wh (gross 425 000, platform 4 250, grid 3 400);
        // B sold 333 Wh (gross 83 250, platform 832, grid 666).
        vm.expectEmit(true, true, false, true);
        emit ITradingMarketplace.GridFeesCharged(
            keccak256(abi.encode(FEEDER, T0)), GRID_OPERATOR, 2_400 + 666 + 3_400 + 666
        );
        _settle(FEEDER, sellers, trades);
        assertEq(market.accountOf(_buyer(1)).balance, 100_000_000 - 383_250 - 3_066, "buyer 1: amounts + fees");
        assertEq(market.accountOf(_buyer(2)).balance, 100_000_000 - 125_000, "buyer 2: no climb");
        assertEq(market.accountOf(_seller(1)).balance, 425_000 - 4_250 - 3_400, "seller A");
        assertEq(market.accountOf(_seller(2)).balance, 83_250 - 832 - 666, "seller B");
        assertEq(market.accountOf(GRID_OPERATOR).balance, 7_132, "grid operator");
        assertEq(market.feesAccrued(), 4_250 + 832, "platform fees");
        assertEq(market.accountOf(GRID_OPERATOR).soldWh, 0, "the operator sold nothing");
    }

    function test_substationBatchChargesEveryLevelEntered() public {
        _setFees();
        address meterBelow = _registerMeter(6, HOUSE_A | 9); // a level-0 zone inside house A
        bytes memory sellers = bytes.concat(
            _entry(1, meterA, 1_000), // house → substation: feeder + substation fees
            _entry(3, meterF, 1_000), // feeder → substation: the substation fee
            _entry(6, meterBelow, 1_000) // level 0 → substation: all three
        );
        bytes memory trades = bytes.concat(
            SealSigning.trade(_buyer(1), 2, 0, 1_000), // came from a house: 6 000 per kWh
            SealSigning.trade(_buyer(1), 1, 1, 1_000), // came from a feeder: 4 000 per kWh
            SealSigning.trade(_buyer(1), 0, 2, 1_000) // no climb
        );
        _settle(SUBSTATION, sellers, trades);
        uint256 gross = 250_000;
        uint256 platform = 2_500;
        assertEq(market.accountOf(_seller(1)).balance, gross - platform - 6_000, "seller in a house");
        assertEq(market.accountOf(_seller(3)).balance, gross - platform - 4_000, "seller at the feeder");
        assertEq(market.accountOf(_seller(6)).balance, gross - platform - 7_000, "seller below a house");
        assertEq(market.accountOf(_buyer(1)).balance, 100_000_000 - 3 * gross - 6_000 - 4_000, "buyer");
        assertEq(market.accountOf(GRID_OPERATOR).balance, 6_000 + 4_000 + 7_000 + 6_000 + 4_000, "operator");
    }

    function test_houseBatchChargesOnlySellersBelowTheHouse() public {
        _setFees();
        address meterBelow = _registerMeter(6, HOUSE_A | 9);
        bytes memory sellers = bytes.concat(_entry(1, meterA, 1_000), _entry(6, meterBelow, 1_000));
        bytes memory trades =
            bytes.concat(SealSigning.trade(_buyer(1), 0, 0, 1_000), SealSigning.trade(_buyer(1), 0, 1, 1_000));
        _settle(HOUSE_A, sellers, trades);
        assertEq(market.accountOf(_seller(1)).balance, 250_000 - 2_500, "the house's own meter climbs nothing");
        assertEq(market.accountOf(_seller(6)).balance, 250_000 - 2_500 - 1_000, "entering the house");
        assertEq(market.accountOf(GRID_OPERATOR).balance, 1_000, "operator");
    }

    function test_sellerGridFeeIsClampedToItsCredit() public {
        // 300 000 per kWh entering the feeder: more than the 250 000 price less the platform fee.
        market.setGridFees(0, 300_000, 0);
        market.setGridOperator(GRID_OPERATOR);
        _settle(FEEDER, _entry(1, meterA, 1_000), SealSigning.trade(_buyer(1), 0, 0, 999));
        // gross ⌊999 × 250 000 / 1 000⌋ = 249 750, platform 2 497: the grid fee takes the remaining 247 253.
        assertEq(market.accountOf(_seller(1)).balance, 0, "seller credited nothing");
        assertEq(market.accountOf(_seller(1)).soldWh, 999, "but its sale counts");
        assertEq(market.accountOf(GRID_OPERATOR).balance, 249_750 - 2_497, "operator");
        assertEq(market.feesAccrued(), 2_497, "platform fee first");
    }

    function test_buyerFeesCountTowardsItsDeposit() public {
        _setFees();
        address poor = address(0xB0B0FF);
        _fund(poor, 25_000);
        bytes memory sellers = _entry(1, meterA, 1_000);
        // 100 Wh: 25 000 and a 200 fee for the climb.
        _expectSettleRevert(
            FEEDER,
            sellers,
            SealSigning.trade(poor, 1, 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.InsufficientDeposit.selector, poor, 25_200, 25_000)
        );
        _settle(FEEDER, sellers, SealSigning.trade(poor, 0, 0, 100));
        assertEq(market.accountOf(poor).balance, 0, "without a climb the deposit covers it");
    }

    function test_gridOperatorMustBeSetOnlyWhenFeesAreCharged() public {
        market.setGridFees(HOUSE_FEE, FEEDER_FEE, SUBSTATION_FEE);
        bytes memory trade = SealSigning.trade(_buyer(1), 0, 0, 100);
        // No level entered: no fee, no operator needed (a house's own meter, a hash zone).
        _settle(HOUSE_A, _entry(1, meterA, 1_000), trade);
        _settle(ZONE, _entry(5, meterH, 1_000), trade);
        _expectSettleRevert(
            FEEDER,
            _entry(1, meterA, 1_000),
            trade,
            abi.encodeWithSelector(ITradingMarketplace.GridOperatorUnset.selector)
        );
        // Zero fees (the default) charge nothing either.
        market.setGridFees(0, 0, 0);
        _settle(FEEDER, _entry(1, meterA, 1_000), SealSigning.trade(_buyer(1), 1, 0, 100));
        assertEq(market.accountOf(_seller(1)).balance, 2 * (25_000 - 250), "two sales, platform fee only");
    }

    // ─── Buyer climb ─────────────────────────────────────────────────────────────────────────────────────────

    function test_buyerClimbMustBeZeroOrBelowTheBatchLevel() public {
        _setFees();
        bytes memory sellerA = _entry(1, meterA, 1_000);
        bytes memory ok = SealSigning.trade(_buyer(1), 0, 0, 100);
        // Level 0 (hash zone) and level 1 (house): no climb.
        _expectSettleRevert(
            ZONE,
            _entry(5, meterH, 1_000),
            bytes.concat(ok, SealSigning.trade(_buyer(1), 1, 0, 100)),
            abi.encodeWithSelector(ITradingMarketplace.BuyerClimbInvalid.selector, 1, 1, 0)
        );
        _expectSettleRevert(
            HOUSE_A,
            sellerA,
            SealSigning.trade(_buyer(1), 3, 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.BuyerClimbInvalid.selector, 0, 3, 1)
        );
        // Level 2 (feeder): 1; level 3 (substation): 1 or 2.
        _expectSettleRevert(
            FEEDER,
            sellerA,
            bytes.concat(ok, SealSigning.trade(_buyer(2), 1, 0, 100), SealSigning.trade(_buyer(2), 2, 0, 100)),
            abi.encodeWithSelector(ITradingMarketplace.BuyerClimbInvalid.selector, 2, 2, 2)
        );
        _expectSettleRevert(
            SUBSTATION,
            sellerA,
            SealSigning.trade(_buyer(1), 3, 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.BuyerClimbInvalid.selector, 0, 3, 3)
        );
        _settle(FEEDER, sellerA, SealSigning.trade(_buyer(1), 1, 0, 100));
        _settle(
            SUBSTATION,
            sellerA,
            bytes.concat(SealSigning.trade(_buyer(1), 1, 0, 100), SealSigning.trade(_buyer(1), 2, 0, 100))
        );
    }

    // ─── One seal in several batches ─────────────────────────────────────────────────────────────────────────

    /// @dev A seller whose offer partly cleared in its house and partly in the feeder: the same seal pays in both
    /// batches of the interval, never more than its export in all.
    function test_sameSealPaysInTwoBatchesWithinItsExport() public {
        bytes memory entry = _entry(1, meterA, 1_000);
        _settle(HOUSE_A, entry, SealSigning.trade(_buyer(1), 0, 0, 600));
        MeterState memory state = market.meterStateOf(meterA);
        assertEq(state.lastSealPaidWh, 600, "paid in the house");
        _expectSettleRevert(
            FEEDER,
            entry,
            SealSigning.trade(_buyer(2), 1, 0, 401),
            abi.encodeWithSelector(ITradingMarketplace.SoldMoreThanSealed.selector, meterA, 401, 400)
        );
        _settle(FEEDER, entry, SealSigning.trade(_buyer(2), 1, 0, 400));
        state = market.meterStateOf(meterA);
        assertEq(state.lastSealPaidWh, 1_000, "the whole export");
        assertEq(state.paidWh, 1_000, "paid Wh");
        assertEq(state.lastSeq, 7, "same seq");
        // Nothing left for a third batch; a next seal starts afresh.
        _expectSettleRevert(
            SUBSTATION,
            entry,
            SealSigning.trade(_buyer(2), 0, 0, 1),
            abi.encodeWithSelector(ITradingMarketplace.SoldMoreThanSealed.selector, meterA, 1, 0)
        );
        Seal memory next = SealSigning.seal(meterA, 8, T0 + 900, T0 + 1_800, 11_000, 11_500);
        bytes memory nextEntry = SealSigning.sellerEntry(_meterKey(1), _seller(1), next);
        vm.prank(settler);
        market.settle(HOUSE_A, T0 + 900, T0 + 1_800, PRICE_PER_KWH, nextEntry, SealSigning.trade(_buyer(1), 0, 0, 50));
        assertEq(market.meterStateOf(meterA).lastSealPaidWh, 50, "a new seal's own count");
        assertEq(market.meterStateOf(meterA).paidWh, 1_050, "paid Wh, cumulative");
    }

    function test_sameSeqThatIsNotTheSameSealIsRefused() public {
        _settle(HOUSE_A, _entry(1, meterA, 1_000), SealSigning.trade(_buyer(1), 0, 0, 100));
        Seal memory other = SealSigning.seal(meterA, 7, T0, T0 + 800, 10_000, 11_000);
        _expectSettleRevert(
            FEEDER,
            SealSigning.sellerEntry(_meterKey(1), _seller(1), other),
            SealSigning.trade(_buyer(1), 0, 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.SealConflictsWithSettled.selector, meterA, 7)
        );
        other = SealSigning.seal(meterA, 7, T0, T0 + 900, 10_000, 11_001);
        _expectSettleRevert(
            FEEDER,
            SealSigning.sellerEntry(_meterKey(1), _seller(1), other),
            SealSigning.trade(_buyer(1), 0, 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.SealConflictsWithSettled.selector, meterA, 7)
        );
        // A lower seq stays a replay.
        other = SealSigning.seal(meterA, 6, T0, T0 + 900, 10_000, 11_000);
        _expectSettleRevert(
            FEEDER,
            SealSigning.sellerEntry(_meterKey(1), _seller(1), other),
            SealSigning.trade(_buyer(1), 0, 0, 100),
            abi.encodeWithSelector(ITradingMarketplace.SealReplayed.selector, meterA, 6, 7)
        );
    }

    // ─── Administration ──────────────────────────────────────────────────────────────────────────────────────

    function test_gridSettersAreRestrictedAndReported() public {
        address stranger = address(0x57A);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        market.setGridFees(1, 2, 3);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        market.setGridOperator(stranger);

        vm.expectEmit(false, false, false, true);
        emit ITradingMarketplace.GridFeesSet(1, 2, type(uint32).max);
        market.setGridFees(1, 2, type(uint32).max);
        (uint32 house, uint32 feeder, uint32 substation) = market.gridFees();
        assertEq(house, 1, "house fee");
        assertEq(feeder, 2, "feeder fee");
        assertEq(substation, type(uint32).max, "substation fee");
        vm.expectEmit(false, false, false, true);
        emit ITradingMarketplace.GridOperatorSet(GRID_OPERATOR);
        market.setGridOperator(GRID_OPERATOR);
        assertEq(market.gridOperator(), GRID_OPERATOR, "grid operator");
        // The fees share a slot with feeBps and the accrued fees: setting one leaves the others.
        market.setFeeBps(250);
        (house, feeder, substation) = market.gridFees();
        assertEq(substation, type(uint32).max, "fees kept");
        assertEq(market.feeBps(), 250, "feeBps kept");
    }

    function test_atMost2To14SellerEntries() public {
        bytes memory sellers = new bytes((1 << 14) * 177 + 177);
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.SellersCalldataMalformed.selector, sellers.length));
        _settle(HOUSE_A, sellers, SealSigning.trade(_buyer(1), 0, 0, 100));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketFixture} from "../support/MarketFixture.sol";
import {SealSigning} from "../support/SealSigning.sol";
import {Seal} from "../../src/libraries/SealLib.sol";
import {ITradingMarketplace, MeterState} from "../../src/interfaces/ITradingMarketplace.sol";

/// @notice `settle` evaluates the trade and seller entry rules without branching, charges grid fees from packed
/// tables and names a broken rule only on its way out. These tests hold it to the rules as docs/contracts.md states
/// them: a reference written here in plain Solidity (zone levels group by group, fees level by level, the same-seal
/// rule as a branch) predicts, for batches of every level of a zone tree and seals placed on and around every
/// boundary, the error — or the exact amounts every account is paid and charged — that settlement must produce.
contract SettlementRulesTest is MarketFixture {
    uint32 internal constant T0 = 1_767_290_000;
    /// @dev The next interval; the meter's first seal covers [T0, T0 + 600] of interval T0.
    uint32 internal constant T1 = T0 + 900;
    uint32 internal constant LAST_SEQ = 10;
    uint32 internal constant LAST_START_S = T0;
    uint32 internal constant LAST_END_S = T0 + 600;
    uint48 internal constant LAST_EXPORT_START_WH = 5_000;
    uint48 internal constant LAST_EXPORT_END_WH = 6_000;
    /// @dev What the first seal was paid in (HOUSE_A, T0).
    uint256 internal constant LAST_SEAL_PAID_WH = 100;

    // A zone tree (docs/contracts.md §"Zone ids"): substation 1 ⊃ feeder 1 ⊃ houses 1 and 2; feeder 2 beside it.
    uint64 internal constant SUBSTATION = 0x0001_0000_0000_0000;
    uint64 internal constant FEEDER = 0x0001_0001_0000_0000;
    uint64 internal constant HOUSE_A = 0x0001_0001_0001_0000;
    uint64 internal constant HOUSE_B = 0x0001_0001_0002_0000;
    uint64 internal constant OTHER_FEEDER = 0x0001_0002_0000_0000;
    /// @dev A level-0 zone within HOUSE_A.
    uint64 internal constant BELOW_A = HOUSE_A | 5;
    address internal constant GRID_OPERATOR = address(0x6A1D0);

    address internal meterA; // HOUSE_A, owned by seller 1, settled once in (HOUSE_A, T0)
    address internal meterB; // ZONE + 1, a hash zone
    address internal meterC; // HOUSE_A, deactivated
    address internal meterD; // never registered
    address internal meterE; // BELOW_A
    address internal meterF; // HOUSE_B
    address internal meterG; // OTHER_FEEDER: a meter connected at the feeder level

    function setUp() public {
        _deployMarket();
        meterA = _registerMeter(1, HOUSE_A);
        meterB = _registerMeter(2, ZONE + 1);
        meterC = _registerMeter(3, HOUSE_A);
        registry.deactivateMeter(meterC);
        meterD = vm.addr(_meterKey(4));
        meterE = _registerMeter(5, BELOW_A);
        meterF = _registerMeter(6, HOUSE_B);
        meterG = _registerMeter(7, OTHER_FEEDER);
        _fund(_buyer(1), 2_000_000_000); // 4 000 kWh at PRICE_PER_KWH
        _fund(_buyer(2), 100_000_000);
        Seal memory first =
            SealSigning.seal(meterA, LAST_SEQ, LAST_START_S, LAST_END_S, LAST_EXPORT_START_WH, LAST_EXPORT_END_WH);
        bytes memory sellers = SealSigning.sellerEntry(_meterKey(1), _seller(1), first);
        vm.prank(settler); // after building the calldata: a precompile call would take the prank
        market.settle(
            HOUSE_A, T0, T0 + 900, PRICE_PER_KWH, sellers, SealSigning.trade(_buyer(1), 0, uint32(LAST_SEAL_PAID_WH))
        );
    }

    // ─── The reference ───────────────────────────────────────────────────────────────────────────────────────

    /// @dev A zone id's level: the index of its lowest non-zero 16-bit group (zone 0: level 0).
    function _level(uint64 zone) internal pure returns (uint256) {
        for (uint256 group = 0; group < 4; group++) {
            if ((zone >> (16 * group)) & 0xffff != 0) return group;
        }
        return 0;
    }

    /// @dev A meter of zone `meterZone` lies within `zone`: every group of `zone` from its level up is the meter's.
    function _within(uint64 meterZone, uint64 zone) internal pure returns (bool) {
        for (uint256 group = _level(zone); group < 4; group++) {
            if ((meterZone >> (16 * group)) & 0xffff != (zone >> (16 * group)) & 0xffff) return false;
        }
        return true;
    }

    /// @dev The grid fee per kWh of climbing from level `from` to level `to`: the fees of levels from + 1 … to.
    function _climbFee(uint256 from, uint256 to, uint32[3] memory gridFees) internal pure returns (uint256 fee) {
        for (uint256 level = from + 1; level <= to; level++) {
            fee += gridFees[level - 1];
        }
    }

    /// @dev One fuzzed batch: one seller entry, one or two trades of buyer 1, fees and the grid operator.
    struct Case {
        uint64 zone;
        uint32 intervalStartS;
        uint256 meterIndex;
        address meter;
        address seller;
        Seal seal;
        uint32 soldWh;
        uint32[2] tradeWh; // the second is 0 when there is one trade
        uint256[2] climbs;
        uint96 pricePerKWh;
        uint16 feeBps;
        uint32[3] gridFees;
        bool operatorSet;
    }

    /// @dev What a valid batch moves.
    struct Outcome {
        uint256 grossAmount;
        uint256 platformFee;
        uint256 sellerGridFee;
        uint256 buyerGridFee;
        uint256 paidBeforeWh; // what the same seal was paid before (0 for a new seal)
    }

    function _registration(uint256 meterIndex) internal pure returns (bool active, uint64 zone) {
        if (meterIndex == 1) return (true, HOUSE_A);
        if (meterIndex == 2) return (true, ZONE + 1);
        if (meterIndex == 5) return (true, BELOW_A);
        if (meterIndex == 6) return (true, HOUSE_B);
        if (meterIndex == 7) return (true, OTHER_FEEDER);
        return (false, 0); // C deactivated, D never registered
    }

    /// @dev The rules of docs/contracts.md §"Settlement rules", in the order settlement reports them (the trades,
    /// the run's debit, the seller entry, the grid operator); an empty error when all hold.
    function _expected(Case memory c) internal view returns (bytes memory, Outcome memory o) {
        Seal memory s = c.seal;
        uint256 zoneLevel = _level(c.zone);
        if (c.zone == HOUSE_A && c.intervalStartS == T0) {
            return (abi.encodeWithSelector(ITradingMarketplace.IntervalAlreadySettled.selector, c.zone, T0), o);
        }
        for (uint256 t = 0; t < 2 && c.tradeWh[t] != 0; t++) {
            uint256 climb = c.climbs[t];
            if (climb != 0 && !(1 <= climb && climb < zoneLevel)) {
                return (abi.encodeWithSelector(ITradingMarketplace.BuyerClimbInvalid.selector, t, climb, zoneLevel), o);
            }
            o.grossAmount += uint256(c.tradeWh[t]) * c.pricePerKWh / 1000;
            if (climb != 0) {
                o.buyerGridFee += uint256(c.tradeWh[t]) * _climbFee(zoneLevel - climb, zoneLevel, c.gridFees) / 1000;
            }
        }
        uint256 balance = market.accountOf(_buyer(1)).balance;
        if (o.grossAmount + o.buyerGridFee > balance) {
            return (
                abi.encodeWithSelector(
                    ITradingMarketplace.InsufficientDeposit.selector, _buyer(1), o.grossAmount + o.buyerGridFee, balance
                ),
                o
            );
        }
        (bool active, uint64 meterZone) = _registration(c.meterIndex);
        if (!active) return (abi.encodeWithSelector(ITradingMarketplace.MeterNotActive.selector, c.meter), o);
        if (!_within(meterZone, c.zone)) {
            return (abi.encodeWithSelector(ITradingMarketplace.MeterWrongZone.selector, c.meter, c.zone, meterZone), o);
        }
        if (c.seller != _seller(c.meterIndex)) {
            return (
                abi.encodeWithSelector(
                    ITradingMarketplace.MeterNotOwnedBySeller.selector, c.meter, c.seller, _seller(c.meterIndex)
                ),
                o
            );
        }
        if (s.endS <= s.startS || s.endS > block.timestamp || s.exportEndWh < s.exportStartWh) {
            return
                (abi.encodeWithSelector(ITradingMarketplace.SealIntervalInvalid.selector, c.meter, s.startS, s.endS), o);
        }
        if (c.meter == meterA) {
            if (s.seq < LAST_SEQ) {
                return (abi.encodeWithSelector(ITradingMarketplace.SealReplayed.selector, c.meter, s.seq, LAST_SEQ), o);
            }
            if (s.seq == LAST_SEQ) {
                if (s.endS != LAST_END_S || s.exportEndWh != LAST_EXPORT_END_WH) {
                    return
                        (
                            abi.encodeWithSelector(
                                ITradingMarketplace.SealConflictsWithSettled.selector, c.meter, s.seq
                            ),
                            o
                        );
                }
                o.paidBeforeWh = LAST_SEAL_PAID_WH;
            } else {
                if (s.startS < LAST_END_S) {
                    return (
                        abi.encodeWithSelector(
                            ITradingMarketplace.SealOverlapsSettled.selector, c.meter, s.startS, LAST_END_S
                        ),
                        o
                    );
                }
                if (s.exportStartWh < LAST_EXPORT_END_WH) {
                    return (
                        abi.encodeWithSelector(
                            ITradingMarketplace.ExportCounterRolledBack.selector,
                            c.meter,
                            s.exportStartWh,
                            LAST_EXPORT_END_WH
                        ),
                        o
                    );
                }
            }
        }
        if (s.startS < c.intervalStartS || s.endS > c.intervalStartS + 900) {
            return (
                abi.encodeWithSelector(
                    ITradingMarketplace.SealOutsideInterval.selector,
                    c.meter,
                    s.startS,
                    s.endS,
                    c.intervalStartS,
                    c.intervalStartS + 900
                ),
                o
            );
        }
        uint256 spanWh = s.exportEndWh - s.exportStartWh;
        if (o.paidBeforeWh + c.soldWh > spanWh) {
            uint256 remainingWh = spanWh > o.paidBeforeWh ? spanWh - o.paidBeforeWh : 0;
            return (
                abi.encodeWithSelector(
                    ITradingMarketplace.SoldMoreThanSealed.selector, c.meter, uint256(c.soldWh), remainingWh
                ),
                o
            );
        }
        o.platformFee = o.grossAmount * c.feeBps / 10_000;
        o.sellerGridFee = uint256(c.soldWh) * _climbFee(_level(meterZone), zoneLevel, c.gridFees) / 1000;
        if (o.sellerGridFee > o.grossAmount - o.platformFee) o.sellerGridFee = o.grossAmount - o.platformFee;
        if (o.sellerGridFee + o.buyerGridFee > 0 && !c.operatorSet) {
            return (abi.encodeWithSelector(ITradingMarketplace.GridOperatorUnset.selector), o);
        }
        return ("", o);
    }

    // ─── Fuzzed cases ────────────────────────────────────────────────────────────────────────────────────────

    function _mix(uint256 seed) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed)));
    }

    /// @dev Picks one of a few boundary values (or, for the last choice, `fallbackValue`).
    function _pick(uint256 seed, uint256[6] memory values, uint256 fallbackValue) internal pure returns (uint256) {
        uint256 choice = seed % 7;
        return choice < 6 ? values[choice] : fallbackValue;
    }

    function _zoneOf(uint256 zoneSeed) internal pure returns (uint64) {
        uint64[10] memory zones =
            [HOUSE_A, HOUSE_A, FEEDER, SUBSTATION, HOUSE_B, OTHER_FEEDER, BELOW_A, ZONE, ZONE + 1, 0];
        uint256 choice = zoneSeed % 11;
        return choice < 10 ? zones[choice] : uint64(zoneSeed >> 8);
    }

    function _case(uint256 who, uint256 zoneSeed, uint256 seqSeed, uint256 timeSeed, uint256 exportSeed)
        internal
        view
        returns (Case memory c)
    {
        // Mostly meter A (and, for its settled seal, nearly always) and its owner, so that the seal rules are
        // reached.
        bool settledSeal = (who >> 16) % 2 == 0;
        uint8[13] memory choices = [1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 7]; // A, B, C, D, E, F, G: 1 … 7
        c.meterIndex = settledSeal && (who >> 24) % 3 != 0 ? 1 : choices[who % 13];
        c.meter = [meterA, meterB, meterC, meterD, meterE, meterF, meterG][c.meterIndex - 1];
        c.seller = (who >> 8) % 6 == 0 ? _seller(9) : _seller(c.meterIndex);
        // Mostly the meter's zone or one of its ancestors (a path zone's groups from a level up), else any zone.
        (, uint64 meterZone) = _registration(c.meterIndex);
        c.zone = _zoneOf(zoneSeed);
        if ((zoneSeed >> 64) % 5 != 0 && meterZone >> 48 == SUBSTATION >> 48) {
            // For the settled seal mostly a strict ancestor: its own zone has settled its interval.
            uint256 lowest =
                _level(meterZone) + (settledSeal && _level(meterZone) < 3 && (zoneSeed >> 80) % 4 != 0 ? 1 : 0);
            uint256 level = bound(zoneSeed >> 72, lowest, 3);
            c.zone = meterZone & uint64(~((uint256(1) << (16 * level)) - 1));
        } else if ((zoneSeed >> 64) % 5 != 0 && meterZone != 0) {
            c.zone = meterZone;
        }
        // The interval of the settled seal mostly for that seal, the next one mostly for the others.
        c.intervalStartS = (zoneSeed >> 128) % 4 == 0 ? (settledSeal ? T1 : T0) : (settledSeal ? T0 : T1);
        if (settledSeal) {
            // The settled seal of meter A, as it was or with one field moved.
            c.seal =
                SealSigning.seal(c.meter, LAST_SEQ, LAST_START_S, LAST_END_S, LAST_EXPORT_START_WH, LAST_EXPORT_END_WH);
            uint256 change = seqSeed % 5 < 2 ? 0 : 1 + (seqSeed >> 8) % 6;
            if (change == 1) c.seal.seq = LAST_SEQ + 1;
            if (change == 2) c.seal.endS = LAST_END_S + 1;
            if (change == 3) c.seal.endS = LAST_END_S - 1;
            if (change == 4) c.seal.exportEndWh = LAST_EXPORT_END_WH + 1;
            if (change == 5) c.seal.exportStartWh = LAST_EXPORT_START_WH - 1; // the same seal as the contract sees it
            if (change == 6) c.seal.startS = LAST_START_S + 1;
            return c;
        }
        c.seal.meter = c.meter;
        // Around the settled seq, or 0 (a meter's first seal may have seq 0).
        c.seal.seq = (seqSeed >> 128) % 8 == 0 ? 0 : uint32(bound(seqSeed, LAST_SEQ - 1, LAST_SEQ + 2));
        c.seal.prev = keccak256(abi.encode(c.meter, c.seal.seq));
        uint256 now_ = block.timestamp;
        uint256 start = c.intervalStartS;
        c.seal.startS = uint32(
            _pick(
                timeSeed,
                [uint256(LAST_END_S - 1), LAST_END_S, start - 1, start, start + 1, T0],
                bound(timeSeed >> 8, T0, now_)
            )
        );
        c.seal.endS = uint32(
            _pick(
                timeSeed >> 64,
                [uint256(c.seal.startS), uint256(c.seal.startS) + 1, start + 900, start + 901, now_ + 1, LAST_END_S],
                bound(timeSeed >> 72, T0, now_ + 10)
            )
        );
        c.seal.importStartWh = 1_000;
        c.seal.importEndWh = 1_000;
        c.seal.exportStartWh = uint48(
            _pick(
                exportSeed,
                [
                    uint256(LAST_EXPORT_END_WH - 1),
                    LAST_EXPORT_END_WH,
                    LAST_EXPORT_END_WH + 1,
                    0,
                    2 ** 48 - 1,
                    LAST_EXPORT_START_WH
                ],
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
                2 ** 48 - 1,
                LAST_EXPORT_END_WH
            ],
            bound(exportSeed >> 72, 0, 20_000)
        );
        c.seal.exportEndWh = uint48(exportEndWh > 2 ** 48 - 1 ? 2 ** 48 - 1 : exportEndWh);
        c.seal.sampleCount = 90;
    }

    /// @dev The sale, the buyer's trades and climbs, the price and the fees of case `c`.
    function _terms(Case memory c, uint256 soldSeed, uint256 feeSeed) internal pure {
        uint256 spanWh = c.seal.exportEndWh >= c.seal.exportStartWh ? c.seal.exportEndWh - c.seal.exportStartWh : 0;
        uint256 remainingWh = spanWh > LAST_SEAL_PAID_WH ? spanWh - LAST_SEAL_PAID_WH : 0;
        uint256 soldWh = _pick(
            soldSeed,
            [remainingWh, remainingWh + 1, spanWh - (spanWh > 1 ? 1 : 0), spanWh, spanWh + 1, 3_000],
            (soldSeed >> 8) % 4 == 0 ? soldSeed >> 16 : bound(soldSeed >> 16, 1, remainingWh + 1)
        );
        c.soldWh = uint32(bound(soldWh, 1, 4_000_000));
        c.tradeWh[0] = c.soldWh;
        if (c.soldWh >= 2 && (soldSeed >> 128) % 2 == 0) {
            c.tradeWh[0] = uint32(bound(soldSeed >> 136, 1, c.soldWh - 1));
            c.tradeWh[1] = c.soldWh - c.tradeWh[0];
        }
        // Mostly climbs the batch zone allows (below its level), else any of the four.
        uint256 zoneLevel = _level(c.zone);
        for (uint256 t = 0; t < 2; t++) {
            uint256 climb = (feeSeed >> (2 * t)) % 4;
            c.climbs[t] = (feeSeed >> 4) % 6 == 0 ? climb : (zoneLevel == 0 ? 0 : climb % zoneLevel);
        }
        c.pricePerKWh = uint96([uint256(PRICE_PER_KWH), PRICE_PER_KWH, 0, 1, 9_999_999][(feeSeed >> 8) % 5]);
        c.feeBps = uint16(bound(feeSeed >> 16, 0, 300));
        if ((feeSeed >> 32) % 4 != 0) {
            for (uint256 level = 0; level < 3; level++) {
                c.gridFees[level] =
                    uint32([uint256(0), 1, 999, 40_000, 300_000, type(uint32).max][(feeSeed >> (40 + 8 * level)) % 6]);
            }
        }
        c.operatorSet = (feeSeed >> 72) % 5 != 0;
    }

    /// @dev Batches of every level of the tree with seals on and around every boundary of every seller entry rule,
    /// buyer climbs in and out of range, any grid fees: settlement fails exactly when the reference says a rule
    /// breaks, with that rule's error, and otherwise advances the meter and moves exactly the amounts the reference
    /// computes (platform fee, the seller's grid fee clamped to its credit, the buyers' grid fees) — money conserved.
    /// Four times the default runs: about one case in twenty-five settles, one in two hundred pays a seal again.
    /// forge-config: default.fuzz.runs = 4000
    function testFuzz_settle_failsAndPaysExactlyAsTheRulesSay(
        uint256 who,
        uint256 zoneSeed,
        uint256 seqSeed,
        uint256 timeSeed,
        uint256 exportSeed,
        uint256 soldSeed,
        uint256 feeSeed
    ) public {
        // Seeds hashed: the fuzzer favours small numbers, whose high bits (read by the choices) are all zero; the
        // boundary values come from the picks.
        Case memory c = _case(_mix(who), _mix(zoneSeed), _mix(seqSeed), _mix(timeSeed), _mix(exportSeed));
        _terms(c, _mix(soldSeed), _mix(feeSeed));
        market.setFeeBps(c.feeBps);
        market.setGridFees(c.gridFees[0], c.gridFees[1], c.gridFees[2]);
        if (c.operatorSet) market.setGridOperator(GRID_OPERATOR);
        bytes memory sellers = SealSigning.sellerEntry(_meterKey(c.meterIndex), c.seller, c.seal);
        bytes memory trades = SealSigning.trade(_buyer(1), c.climbs[0], 0, c.tradeWh[0]);
        if (c.tradeWh[1] != 0) {
            trades = bytes.concat(trades, SealSigning.trade(_buyer(1), c.climbs[1], 0, c.tradeWh[1]));
        }
        (bytes memory expected, Outcome memory o) = _expected(c);
        MeterState memory before = market.meterStateOf(c.meter);
        uint256 sellerBalance = market.accountOf(c.seller).balance;
        uint256 buyerBalance = market.accountOf(_buyer(1)).balance;
        uint256 operatorBalance = market.accountOf(GRID_OPERATOR).balance;
        uint256 feesAccrued = market.feesAccrued();
        if (expected.length != 0) vm.expectRevert(expected);
        vm.prank(settler);
        market.settle(c.zone, c.intervalStartS, c.intervalStartS + 900, c.pricePerKWh, sellers, trades);
        if (expected.length != 0) return;

        MeterState memory state = market.meterStateOf(c.meter);
        assertEq(state.lastSeq, c.seal.seq, "last seq");
        assertEq(state.lastEndS, c.seal.endS, "last end");
        assertEq(state.lastExportEndWh, c.seal.exportEndWh, "last export end");
        assertEq(state.paidWh, before.paidWh + c.soldWh, "paid Wh");
        assertEq(state.lastSealPaidWh, o.paidBeforeWh + c.soldWh, "paid Wh of the seal");
        assertLe(state.lastSealPaidWh, c.seal.exportEndWh - c.seal.exportStartWh, "seal paid within its export");
        uint256 credited = o.grossAmount - o.platformFee - o.sellerGridFee;
        assertEq(market.accountOf(c.seller).balance, sellerBalance + credited, "seller credited");
        assertEq(market.accountOf(_buyer(1)).balance, buyerBalance - o.grossAmount - o.buyerGridFee, "buyer debited");
        assertEq(
            market.accountOf(GRID_OPERATOR).balance,
            operatorBalance + o.sellerGridFee + o.buyerGridFee,
            "grid operator credited"
        );
        assertEq(market.feesAccrued(), feesAccrued + o.platformFee, "platform fee accrued");
        assertEq(
            buyerBalance - market.accountOf(_buyer(1)).balance,
            credited + o.platformFee + o.sellerGridFee + o.buyerGridFee,
            "debits = credits + platform fee + grid fees"
        );
    }

    // ─── Cases on their own ──────────────────────────────────────────────────────────────────────────────────

    /// @dev Settles interval T1 of HOUSE_A at PRICE_PER_KWH as the settler. Arguments are built by the caller,
    /// before the prank: a precompile call while building them would take it.
    function _settleT1(bytes memory sellers, bytes memory trades) internal {
        vm.prank(settler);
        market.settle(HOUSE_A, T1, T1 + 900, PRICE_PER_KWH, sellers, trades);
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
        assertEq(state.lastSealPaidWh, 500, "paid Wh of the last seal");
    }

    /// @dev The same seal twice in one batch: the second entry pays on from the first, within the seal's export.
    function test_sameSealTwiceInOneBatchPaysOnWithinItsExport() public {
        bytes memory entry = _entryA();
        bytes memory twice = bytes.concat(entry, entry);
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.SoldMoreThanSealed.selector, meterA, 401, 400));
        _settleT1(twice, bytes.concat(SealSigning.trade(_buyer(1), 0, 600), SealSigning.trade(_buyer(1), 1, 401)));
        _settleT1(twice, bytes.concat(SealSigning.trade(_buyer(1), 0, 600), SealSigning.trade(_buyer(1), 1, 400)));
        MeterState memory state = market.meterStateOf(meterA);
        assertEq(state.paidWh, LAST_SEAL_PAID_WH + 1_000, "paid Wh");
        assertEq(state.lastSealPaidWh, 1_000, "the whole export of the seal");
    }

    function test_firstSealOfAMeterMayHaveSeqZero_andOnlyThatSealAgain() public {
        address meterH = _registerMeter(8, HOUSE_A);
        Seal memory first = SealSigning.seal(meterH, 0, T1, T1 + 900, 0, 1_000);
        bytes memory entry = SealSigning.sellerEntry(_meterKey(8), _seller(8), first);
        _settleT1(entry, SealSigning.trade(_buyer(1), 0, 100));
        assertTrue(market.meterStateOf(meterH).hasSettled, "settled");
        // Seq 0 again is that seal: it pays on in the feeder's batch of its interval, not in the next interval.
        vm.prank(settler);
        market.settle(FEEDER, T1, T1 + 900, PRICE_PER_KWH, entry, SealSigning.trade(_buyer(1), 0, 900));
        assertEq(market.meterStateOf(meterH).lastSealPaidWh, 1_000, "the seal's whole export");
        vm.expectRevert(
            abi.encodeWithSelector(
                ITradingMarketplace.SealOutsideInterval.selector, meterH, T1, T1 + 900, T1 + 900, T1 + 1_800
            )
        );
        vm.prank(settler);
        market.settle(HOUSE_A, T1 + 900, T1 + 1_800, PRICE_PER_KWH, entry, SealSigning.trade(_buyer(1), 0, 1));
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
        // The seller index is the field's low 14 bits, with or without a climb above them.
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.SellerIndexOutOfRange.selector, 5, 1));
        _settleT1(entry, bytes.concat(SealSigning.trade(_buyer(1), 0, 100), SealSigning.trade(_buyer(2), 2, 5, 0)));
        // A house batch (level 1) allows no climb.
        vm.expectRevert(abi.encodeWithSelector(ITradingMarketplace.BuyerClimbInvalid.selector, 1, 1, 1));
        _settleT1(entry, bytes.concat(SealSigning.trade(_buyer(1), 0, 100), SealSigning.trade(_buyer(2), 1, 0, 50)));
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

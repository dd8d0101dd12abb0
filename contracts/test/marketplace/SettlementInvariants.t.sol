// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "../support/Vm.sol";
import {MarketFixture} from "../support/MarketFixture.sol";
import {SealSigning} from "../support/SealSigning.sol";
import {DemoSettlementToken} from "../../src/DemoSettlementToken.sol";
import {Seal} from "../../src/libraries/SealLib.sol";
import {TradingMarketplace} from "../../src/TradingMarketplace.sol";
import {MeterState} from "../../src/interfaces/ITradingMarketplace.sol";

/// @notice Makes only valid calls (fail_on_revert): deposits, withdrawals, settlements of fresh intervals with
/// properly chained seals — each interval in two batches of a zone tree, house A's and then the feeder's, the feeder
/// paying the same seals again for what their house did not buy, buyers climbing — and attempts that must fail:
/// settling an already settled interval again, paying a seal past its export in a third batch.
contract SettlementHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant METERS = 3;
    /// @dev Meters 0 and 1 in house A, meter 2 in house B, both houses under FEEDER, under SUBSTATION.
    uint64 internal constant SUBSTATION = 0x0001_0000_0000_0000;
    uint64 internal constant FEEDER = 0x0001_0001_0000_0000;
    uint64 internal constant HOUSE_A = 0x0001_0001_0001_0000;
    uint64 internal constant HOUSE_B = 0x0001_0001_0002_0000;
    uint32 internal constant T0 = 1_700_000_000;
    /// @dev Grid fee per kWh entering the feeder (house fee and substation fee are not charged here).
    uint256 internal constant FEEDER_FEE_PER_KWH = 3_000;

    TradingMarketplace internal immutable market;
    DemoSettlementToken internal immutable token;
    address internal immutable settler;
    uint256[METERS] internal meterKeys;
    address[METERS] public meters;
    address[METERS] public sellers;
    address[METERS] public buyers;

    uint32 public intervalCount;
    uint48[METERS] public exportCursorWh;
    uint256[METERS] public sealedExportWh;
    /// @dev The export span of each meter's last seal and what the batches paid against it.
    uint256[METERS] public lastSpanWh;
    uint256[METERS] public lastSealPaidWh;
    uint256 public doubleSettlements;
    uint256 public overpayments;

    constructor(
        TradingMarketplace market_,
        DemoSettlementToken token_,
        address settler_,
        uint256[METERS] memory keys,
        address[METERS] memory sellers_
    ) {
        market = market_;
        token = token_;
        settler = settler_;
        meterKeys = keys;
        sellers = sellers_;
        for (uint256 i = 0; i < METERS; i++) {
            meters[i] = vm.addr(keys[i]);
            buyers[i] = address(uint160(0xb0b0000 + i));
        }
    }

    function deposit(uint256 buyerSeed, uint256 amount) external {
        amount = 1 + amount % 10_000_000;
        _deposit(buyers[buyerSeed % METERS], amount);
    }

    function _deposit(address buyer, uint256 amount) internal {
        token.mint(address(this), amount);
        token.approve(address(market), amount);
        market.deposit(buyer, amount);
    }

    function withdraw(uint256 buyerSeed, uint256 amount) external {
        address buyer = buyers[buyerSeed % METERS];
        uint256 balance = market.accountOf(buyer).balance;
        if (balance == 0) return;
        amount = 1 + amount % balance;
        vm.prank(buyer);
        market.withdraw(buyer, amount);
    }

    /// @dev Buyer `i` buys `energyWh` from seller entry `index` after climbing `climb` levels, funded first.
    function _trade(uint256 i, uint256 index, uint256 climb, uint256 energyWh, uint96 pricePerKWh)
        internal
        returns (bytes memory)
    {
        uint256 cost = energyWh * pricePerKWh / 1000 + (climb == 0 ? 0 : energyWh * FEEDER_FEE_PER_KWH / 1000);
        uint256 balance = market.accountOf(buyers[i]).balance;
        if (balance < cost) _deposit(buyers[i], cost - balance);
        return SealSigning.trade(buyers[i], climb, index, uint32(energyWh));
    }

    function settle(uint256 exportSeed, uint256 tradeSeed, uint256 gapSeed, uint96 pricePerKWh) external {
        pricePerKWh = uint96(pricePerKWh % 1_000_000);
        uint32 startS = T0 + intervalCount * 900;
        bytes[METERS] memory entries;
        uint256[METERS] memory houseWh;
        for (uint256 i = 0; i < METERS; i++) {
            uint48 startWh = exportCursorWh[i] + uint48((gapSeed >> (i * 16)) % 50);
            uint48 exportWh = uint48(1 + (exportSeed >> (i * 16)) % 5_000);
            Seal memory seal =
                SealSigning.seal(meters[i], 10 + intervalCount, startS, startS + 900, startWh, startWh + exportWh);
            entries[i] = SealSigning.sellerEntry(meterKeys[i], sellers[i], seal);
            exportCursorWh[i] = startWh + exportWh;
            sealedExportWh[i] += exportWh;
            lastSpanWh[i] = exportWh;
            lastSealPaidWh[i] = 0;
            // House A's batch buys some of its two meters' export (none of meter 2's, in house B).
            if (i < 2) houseWh[i] = 1 + (tradeSeed >> (i * 16)) % exportWh;
        }
        bytes memory trades =
            bytes.concat(_trade(0, 0, 0, houseWh[0], pricePerKWh), _trade(1, 1, 0, houseWh[1], pricePerKWh));
        vm.prank(settler);
        market.settle(HOUSE_A, startS, startS + 900, pricePerKWh, bytes.concat(entries[0], entries[1]), trades);
        // The feeder's batch pays the same seals for some of what is left; buyers of house B climbed one level.
        trades = "";
        for (uint256 i = 0; i < METERS; i++) {
            lastSealPaidWh[i] = houseWh[i];
            uint256 feederWh = (tradeSeed >> (64 + i * 16)) % (lastSpanWh[i] - houseWh[i] + 1);
            if (i == 2 && feederWh == 0) feederWh = 1; // at least one trade
            if (feederWh == 0) continue;
            trades = bytes.concat(trades, _trade(i, i, (tradeSeed >> (128 + i)) % 2, feederWh, pricePerKWh));
            lastSealPaidWh[i] += feederWh;
        }
        vm.prank(settler);
        market.settle(
            FEEDER, startS, startS + 900, pricePerKWh, bytes.concat(entries[0], entries[1], entries[2]), trades
        );
        intervalCount++;
    }

    function settleAgain(uint256 intervalSeed) external {
        if (intervalCount == 0) return;
        uint32 startS = T0 + uint32(intervalSeed % intervalCount) * 900;
        bytes memory trades = SealSigning.trade(buyers[0], 0, 1);
        vm.prank(settler);
        try market.settle(FEEDER, startS, startS + 900, 0, new bytes(177), trades) {
            doubleSettlements++;
        } catch {}
    }

    /// @dev The last interval's seal of a meter again, in the substation's batch, for one Wh more than it has left.
    function overpaySeal(uint256 meterSeed) external {
        if (intervalCount == 0) return;
        uint256 i = meterSeed % METERS;
        uint32 startS = T0 + (intervalCount - 1) * 900;
        uint48 endWh = exportCursorWh[i];
        Seal memory seal = SealSigning.seal(
            meters[i], 10 + intervalCount - 1, startS, startS + 900, uint48(endWh - lastSpanWh[i]), endWh
        );
        bytes memory entry = SealSigning.sellerEntry(meterKeys[i], sellers[i], seal);
        bytes memory trades = _trade(i, 0, 0, lastSpanWh[i] - lastSealPaidWh[i] + 1, 0);
        vm.prank(settler);
        try market.settle(SUBSTATION, startS, startS + 900, 0, entry, trades) {
            overpayments++;
        } catch {}
    }
}

contract SettlementInvariantsTest is MarketFixture {
    SettlementHandler internal handler;
    address internal constant GRID_OPERATOR = address(0x6A1D0);

    function setUp() public {
        _deployMarket();
        uint256[3] memory keys;
        address[3] memory sellerAccounts;
        uint64[3] memory zones = [uint64(0x0001_0001_0001_0000), 0x0001_0001_0001_0000, 0x0001_0001_0002_0000];
        for (uint256 i = 0; i < 3; i++) {
            keys[i] = _meterKey(i);
            _registerMeter(i, zones[i]);
            sellerAccounts[i] = _seller(i);
        }
        market.setGridFees(1_000, 3_000, 5_000);
        market.setGridOperator(GRID_OPERATOR);
        handler = new SettlementHandler(market, token, settler, keys, sellerAccounts);
        targetContract(address(handler));
    }

    function invariant_ledgerPlusFeesEqualsTokensHeld() public view {
        uint256 ledger = market.feesAccrued() + market.accountOf(GRID_OPERATOR).balance;
        for (uint256 i = 0; i < 3; i++) {
            ledger += market.accountOf(handler.buyers(i)).balance + market.accountOf(handler.sellers(i)).balance;
        }
        assertEq(ledger, token.balanceOf(address(market)), "ledger + fees = token balance");
    }

    function invariant_intervalNeverSettlesTwice() public view {
        assertEq(handler.doubleSettlements(), 0, "an interval settled twice");
    }

    function invariant_paidNeverExceedsSealedExport() public view {
        for (uint256 i = 0; i < 3; i++) {
            assertLe(market.meterStateOf(handler.meters(i)).paidWh, handler.sealedExportWh(i), "paid > sealed");
            assertEq(
                market.accountOf(handler.sellers(i)).soldWh,
                market.meterStateOf(handler.meters(i)).paidWh,
                "sold = paid"
            );
        }
    }

    /// @dev No Wh is paid twice: what a meter was paid fits inside the register span its settled seals cover, and
    /// what its last seal was paid, over however many batches, fits inside that seal's export.
    function invariant_noMeterEnergyPaidTwice() public view {
        for (uint256 i = 0; i < 3; i++) {
            MeterState memory state = market.meterStateOf(handler.meters(i));
            assertLe(state.paidWh, state.lastExportEndWh, "paid > register span");
            assertLe(state.lastSealPaidWh, handler.lastSpanWh(i), "paid > the last seal's export");
            assertEq(state.lastSealPaidWh, handler.lastSealPaidWh(i), "the last seal's batches");
        }
        assertEq(handler.overpayments(), 0, "a seal paid past its export");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "../support/Vm.sol";
import {MarketFixture} from "../support/MarketFixture.sol";
import {SealSigning} from "../support/SealSigning.sol";
import {DemoSettlementToken} from "../../src/DemoSettlementToken.sol";
import {Seal} from "../../src/libraries/SealLib.sol";
import {TradingMarketplace} from "../../src/TradingMarketplace.sol";

/// @notice Makes only valid calls (fail_on_revert): deposits, withdrawals, settlements of fresh intervals with
/// properly chained seals, and attempts to settle an already settled interval again (which must fail).
contract SettlementHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant METERS = 3;
    uint64 internal constant ZONE = 7;
    uint32 internal constant T0 = 1_700_000_000;

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
    uint256 public doubleSettlements;

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
        address buyer = buyers[buyerSeed % METERS];
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

    function settle(uint256 exportSeed, uint256 tradeSeed, uint256 gapSeed, uint96 pricePerKWh) external {
        pricePerKWh = uint96(pricePerKWh % 1_000_000);
        uint32 startS = T0 + intervalCount * 900;
        bytes memory entries;
        bytes memory trades;
        for (uint256 i = 0; i < METERS; i++) {
            uint48 startWh = exportCursorWh[i] + uint48((gapSeed >> (i * 16)) % 50);
            uint48 exportWh = uint48(1 + (exportSeed >> (i * 16)) % 5_000);
            Seal memory seal =
                SealSigning.seal(meters[i], 10 + intervalCount, startS, startS + 900, startWh, startWh + exportWh);
            entries = bytes.concat(entries, SealSigning.sellerEntry(meterKeys[i], sellers[i], seal));
            uint32 soldWh = uint32(1 + (tradeSeed >> (i * 16)) % exportWh);
            uint256 cost = uint256(soldWh) * pricePerKWh / 1000;
            if (market.accountOf(buyers[i]).balance < cost) {
                token.mint(address(this), cost);
                token.approve(address(market), cost);
                market.deposit(buyers[i], cost);
            }
            trades = bytes.concat(trades, SealSigning.trade(buyers[i], uint16(i), soldWh));
            exportCursorWh[i] = startWh + exportWh;
            sealedExportWh[i] += exportWh;
        }
        vm.prank(settler);
        market.settle(ZONE, startS, startS + 900, pricePerKWh, entries, trades);
        intervalCount++;
    }

    function settleAgain(uint256 intervalSeed) external {
        if (intervalCount == 0) return;
        uint32 startS = T0 + uint32(intervalSeed % intervalCount) * 900;
        bytes memory trades = SealSigning.trade(buyers[0], 0, 1);
        vm.prank(settler);
        try market.settle(ZONE, startS, startS + 900, 0, new bytes(177), trades) {
            doubleSettlements++;
        } catch {}
    }
}

contract SettlementInvariantsTest is MarketFixture {
    SettlementHandler internal handler;

    function setUp() public {
        _deployMarket();
        uint256[3] memory keys;
        address[3] memory sellerAccounts;
        for (uint256 i = 0; i < 3; i++) {
            keys[i] = _meterKey(i);
            _registerMeter(i, ZONE);
            sellerAccounts[i] = _seller(i);
        }
        handler = new SettlementHandler(market, token, settler, keys, sellerAccounts);
        targetContract(address(handler));
    }

    function invariant_ledgerPlusFeesEqualsTokensHeld() public view {
        uint256 ledger = market.feesAccrued();
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

    /// @dev No Wh is paid twice: what a meter was paid fits inside the register span its settled seals cover.
    function invariant_noMeterEnergyPaidTwice() public view {
        for (uint256 i = 0; i < 3; i++) {
            assertLe(
                market.meterStateOf(handler.meters(i)).paidWh,
                market.meterStateOf(handler.meters(i)).lastExportEndWh,
                "paid > register span"
            );
        }
    }
}

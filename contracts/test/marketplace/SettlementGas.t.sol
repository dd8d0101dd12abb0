// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketFixture} from "../support/MarketFixture.sol";
import {SealSigning} from "../support/SealSigning.sol";
import {Console} from "../support/Console.sol";
import {Seal} from "../../src/libraries/SealLib.sol";

/// @notice Gas of settling 100 trades among 50 sellers and 50 buyers, seal verification included, against a plain
/// ERC-20 transfer measured in the same run. Transaction gas = execution gas + 21 000 + calldata
/// (EIP-2028: 16 per non-zero byte, 4 per zero byte). The figures are a committed snapshot
/// (contracts/snapshots/SettlementGas*.json): a change fails this test until the snapshot is regenerated with
/// `GAS_SNAPSHOT_UPDATE=true npm run bench:gas` and committed with the reason.
abstract contract SettlementGasBench is MarketFixture {
    uint256 internal constant SELLERS = 50;
    uint256 internal constant BUYERS = 50;
    uint32 internal constant T0 = 1_767_200_000;
    uint32 internal constant INTERVAL_S = 900;

    address[] internal meters;

    /// @dev The zone each seller's meter is registered in, the batch zone, and the buyers' climb.
    function _meterZone(uint256 i) internal pure virtual returns (uint64);
    function _batchZone() internal pure virtual returns (uint64);
    function _buyerClimb() internal pure virtual returns (uint256);
    function _snapshotPath() internal pure virtual returns (string memory);

    /// @dev Registers the meters and settles a first interval, so the measured one meets the steady state
    /// (meters and accounts already hold values), as every interval after a meter's first does.
    function _setUpBench() internal {
        for (uint256 i = 0; i < SELLERS; i++) {
            meters.push(_registerMeter(i, _meterZone(i)));
        }
        for (uint256 j = 0; j < BUYERS; j++) {
            _fund(_buyer(j), 100_000_000);
        }
        (bytes memory sellers, bytes memory trades) = _batch(0);
        vm.prank(settler);
        market.settle(_batchZone(), T0, T0 + 900, PRICE_PER_KWH, sellers, trades);
    }

    /// @dev Interval `k`: each meter seals 1 000 Wh of export; buyer j buys 300 Wh from seller j and 200 Wh from
    /// seller j + 1 (two trades per buyer, grouped by buyer, as the relay sends them).
    function _batch(uint32 k) internal view returns (bytes memory sellers, bytes memory trades) {
        uint32 startS = T0 + k * INTERVAL_S;
        for (uint256 i = 0; i < SELLERS; i++) {
            Seal memory seal = SealSigning.seal(
                meters[i], 100 + k * 91, startS, startS + INTERVAL_S, 50_000 + k * 1_000, 50_000 + (k + 1) * 1_000
            );
            sellers = bytes.concat(sellers, SealSigning.sellerEntry(_meterKey(i), _seller(i), seal));
        }
        uint256 climb = _buyerClimb();
        for (uint256 j = 0; j < BUYERS; j++) {
            trades = bytes.concat(
                trades,
                SealSigning.trade(_buyer(j), climb, j, 300),
                SealSigning.trade(_buyer(j), climb, (j + 1) % SELLERS, 200)
            );
        }
    }

    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i = 0; i < data.length; i++) {
            gas += data[i] == 0 ? 4 : 16;
        }
    }

    function _measure() internal {
        (bytes memory sellers, bytes memory trades) = _batch(1);
        bytes memory settleCall = abi.encodeCall(
            market.settle, (_batchZone(), T0 + INTERVAL_S, T0 + 2 * INTERVAL_S, PRICE_PER_KWH, sellers, trades)
        );

        // Baseline: a plain ERC-20 transfer to an account that already holds tokens, measured the same way.
        token.mint(address(0xA11CE), 1_000_000);
        token.mint(address(0xB0B), 1);
        bytes memory transferCall = abi.encodeCall(token.transfer, (address(0xB0B), 1_000));
        vm.prank(address(0xA11CE));
        uint256 before = gasleft();
        (bool transferred,) = address(token).call(transferCall);
        uint256 transferExecutionGas = before - gasleft();
        assertTrue(transferred, "baseline transfer");
        uint256 transferTxGas = transferExecutionGas + 21_000 + _calldataGas(transferCall);

        vm.prank(settler);
        before = gasleft();
        (bool settled,) = address(market).call(settleCall);
        uint256 settleExecutionGas = before - gasleft();
        assertTrue(settled, "settlement");
        uint256 settleTxGas = settleExecutionGas + 21_000 + _calldataGas(settleCall);
        uint256 tradeCount = BUYERS * 2;
        uint256 perTradeTxGas = settleTxGas / tradeCount;

        Console.log("settle: batch zone level", _level(_batchZone()));
        Console.log("settle: trades", tradeCount);
        Console.log("settle: sellers (seals verified)", SELLERS);
        Console.log("settle: execution gas", settleExecutionGas);
        Console.log("settle: calldata bytes", settleCall.length);
        Console.log("settle: transaction gas (execution + 21000 + calldata)", settleTxGas);
        Console.log("settle: transaction gas per trade", perTradeTxGas);
        Console.log("baseline ERC-20 transfer: transaction gas", transferTxGas);
        Console.log("per-trade gas / ERC-20 transfer gas, percent", perTradeTxGas * 100 / transferTxGas);
        Console.log("CoW Protocol reference: gas per order", 66_000);

        Console.log("target: transaction gas per trade at most", 15_000);
        string memory snapshot = string.concat(
            "{\n  \"settle100TradesTxGas\": ",
            vm.toString(settleTxGas),
            ",\n  \"settle100TradesExecutionGas\": ",
            vm.toString(settleExecutionGas),
            ",\n  \"perTradeTxGas\": ",
            vm.toString(perTradeTxGas),
            ",\n  \"erc20TransferTxGas\": ",
            vm.toString(transferTxGas),
            "\n}\n"
        );
        if (vm.envOr("GAS_SNAPSHOT_UPDATE", false)) {
            vm.writeFile(_snapshotPath(), snapshot);
            Console.log("snapshot written");
        } else {
            assertEq(
                bytes(snapshot),
                bytes(vm.readFile(_snapshotPath())),
                string.concat("gas drifted from ", _snapshotPath())
            );
        }
    }

    function _level(uint64 zone) internal pure returns (uint256 level) {
        while (zone != 0 && (zone >> (16 * level)) & 0xffff == 0) {
            level++;
        }
    }
}

/// @notice The flat case: every meter in one hash-named zone (level 0), no grid fee.
contract SettlementGasTest is SettlementGasBench {
    function setUp() public {
        _deployMarket();
        _setUpBench();
    }

    function _meterZone(uint256) internal pure override returns (uint64) {
        return ZONE;
    }

    function _batchZone() internal pure override returns (uint64) {
        return ZONE;
    }

    function _buyerClimb() internal pure override returns (uint256) {
        return 0;
    }

    function _snapshotPath() internal pure override returns (string memory) {
        return "contracts/snapshots/SettlementGas.json";
    }

    function test_settle100Trades_gasSnapshot() public {
        _measure();
    }
}

/// @notice A feeder's batch (level 2) with grid fees: sellers metered in its two houses (even ones in house 1, odd
/// ones in house 2), every buyer's order climbed one level from a house; the fees go to the grid operator.
contract SettlementGasFeederTest is SettlementGasBench {
    uint64 internal constant FEEDER = 0x0001_0001_0000_0000;

    function setUp() public {
        _deployMarket();
        market.setGridFees(1_000, 2_000, 4_000);
        market.setGridOperator(address(0x6A1D0));
        _setUpBench();
    }

    function _meterZone(uint256 i) internal pure override returns (uint64) {
        return FEEDER | uint64(1 + i % 2) << 16;
    }

    function _batchZone() internal pure override returns (uint64) {
        return FEEDER;
    }

    function _buyerClimb() internal pure override returns (uint256) {
        return 1;
    }

    function _snapshotPath() internal pure override returns (string memory) {
        return "contracts/snapshots/SettlementGasFeeder.json";
    }

    function test_settle100TradesInAFeederWithGridFees_gasSnapshot() public {
        _measure();
    }
}

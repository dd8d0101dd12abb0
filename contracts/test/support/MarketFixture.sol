// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {Test} from "./Test.sol";
import {DemoSettlementToken} from "../../src/DemoSettlementToken.sol";
import {MeterRegistry} from "../../src/MeterRegistry.sol";
import {TradingMarketplace} from "../../src/TradingMarketplace.sol";
import {Technology} from "../../src/interfaces/IMeterRegistry.sol";
import {Roles} from "../../src/access/Roles.sol";

/// @notice Registry + marketplace behind an AccessManager whose admin is this test; meters with known keys.
abstract contract MarketFixture is Test {
    uint64 internal constant ZONE = 7;
    uint96 internal constant PRICE_PER_KWH = 250_000; // 0.25 dEUR per kWh
    uint16 internal constant FEE_BPS = 100;

    AccessManager internal manager;
    DemoSettlementToken internal token;
    MeterRegistry internal registry;
    TradingMarketplace internal market;
    address internal settler = address(0x5E771E);
    address internal guardian = address(0x6A4D);

    function _deployMarket() internal {
        vm.warp(1_767_300_000);
        manager = new AccessManager(address(this));
        token = new DemoSettlementToken();
        registry = new MeterRegistry(address(manager));
        market = new TradingMarketplace(address(manager), token, registry, FEE_BPS);
        bytes4[] memory settle = new bytes4[](1);
        settle[0] = TradingMarketplace.settle.selector;
        manager.setTargetFunctionRole(address(market), settle, Roles.SETTLER);
        manager.grantRole(Roles.SETTLER, settler, 0);
        bytes4[] memory pause = new bytes4[](1);
        pause[0] = TradingMarketplace.pause.selector;
        manager.setTargetFunctionRole(address(market), pause, Roles.GUARDIAN);
        manager.grantRole(Roles.GUARDIAN, guardian, 0);
    }

    function _meterKey(uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode("meter key", i)))
            % 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;
    }

    function _seller(uint256 i) internal pure returns (address) {
        return address(uint160(0x5e11e000 + i));
    }

    function _buyer(uint256 i) internal pure returns (address) {
        return address(uint160(0xb0b0000 + i));
    }

    function _registerMeter(uint256 i, uint64 zone) internal returns (address meter) {
        meter = vm.addr(_meterKey(i));
        registry.registerMeter(meter, _seller(i), zone, Technology.Solar, 5_000, 1_700_000_000);
    }

    function _fund(address buyer, uint256 amount) internal {
        token.mint(address(this), amount);
        token.approve(address(market), amount);
        market.deposit(buyer, amount);
    }
}

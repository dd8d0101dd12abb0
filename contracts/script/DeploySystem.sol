// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Roles} from "../src/access/Roles.sol";
import {EnergyListing} from "../src/EnergyListing.sol";
import {FeeStaking} from "../src/FeeStaking.sol";
import {GreenCertificateNFT} from "../src/GreenCertificateNFT.sol";
import {LiquidityIncentive} from "../src/LiquidityIncentive.sol";
import {MeterRegistry} from "../src/MeterRegistry.sol";
import {PeerEnergyToken} from "../src/PeerEnergyToken.sol";
import {TradingMarketplace} from "../src/TradingMarketplace.sol";

/// @notice Deploys and wires the whole platform behind one AccessManager, then hands its admin role to `admin`
/// (the Safe) and gives up the deployer's. Used by the deploy script and by the tests.
abstract contract DeploySystem {
    struct Config {
        address deployer;
        address admin;
        address guardian;
        address settler;
        address operator;
        address treasury;
        IERC20 settlementToken;
        uint16 feeBps;
        uint256 rewardPerKWh;
        string certificateUri;
    }

    struct System {
        AccessManager manager;
        MeterRegistry registry;
        TradingMarketplace marketplace;
        EnergyListing listing;
        GreenCertificateNFT certificates;
        PeerEnergyToken token;
        FeeStaking staking;
        LiquidityIncentive incentive;
    }

    function _deploySystem(Config memory config) internal returns (System memory s) {
        s.manager = new AccessManager(config.deployer);
        address authority = address(s.manager);
        s.registry = new MeterRegistry(authority);
        s.marketplace = new TradingMarketplace(authority, config.settlementToken, s.registry, config.feeBps);
        s.listing = new EnergyListing(authority);
        s.certificates = new GreenCertificateNFT(authority, s.marketplace, s.registry, config.certificateUri);
        s.token = new PeerEnergyToken(config.treasury);
        s.staking = new FeeStaking(authority, s.token, config.settlementToken, s.marketplace);
        s.incentive = new LiquidityIncentive(authority, s.token, s.marketplace, config.rewardPerKWh);
        // Still admin-only (no role assigned yet): the deployer wires the fee sink before handing over.
        s.marketplace.setFeeSink(address(s.staking));

        AccessManager m = s.manager;
        _assign(m, address(s.registry), MeterRegistry.registerMeter.selector, Roles.OPERATOR);
        _assign(m, address(s.registry), MeterRegistry.deactivateMeter.selector, Roles.OPERATOR);
        _assign(m, address(s.marketplace), TradingMarketplace.settle.selector, Roles.SETTLER);
        _assign(m, address(s.marketplace), TradingMarketplace.pause.selector, Roles.GUARDIAN);
        _assign(m, address(s.marketplace), TradingMarketplace.setFeeBps.selector, Roles.PARAMETER);
        _assign(m, address(s.marketplace), TradingMarketplace.setFeeSink.selector, Roles.PARAMETER);
        _assign(m, address(s.marketplace), TradingMarketplace.setGridFees.selector, Roles.PARAMETER);
        _assign(m, address(s.marketplace), TradingMarketplace.setGridOperator.selector, Roles.PARAMETER);
        _assign(m, address(s.listing), EnergyListing.pause.selector, Roles.GUARDIAN);
        _assign(m, address(s.certificates), GreenCertificateNFT.setURI.selector, Roles.PARAMETER);
        _assign(m, address(s.staking), FeeStaking.notifyRewardAmount.selector, Roles.REWARD_NOTIFIER);
        _assign(m, address(s.incentive), LiquidityIncentive.setRewardPerKWh.selector, Roles.PARAMETER);

        m.grantRole(Roles.PARAMETER, config.admin, Roles.PARAMETER_DELAY_S);
        m.grantRole(Roles.GUARDIAN, config.guardian, 0);
        m.grantRole(Roles.SETTLER, config.settler, 0);
        m.grantRole(Roles.OPERATOR, config.operator, 0);
        m.grantRole(Roles.REWARD_NOTIFIER, address(s.marketplace), 0);
        m.grantRole(m.ADMIN_ROLE(), config.admin, 0);
        m.renounceRole(m.ADMIN_ROLE(), config.deployer);
    }

    function _assign(AccessManager manager, address target, bytes4 selector, uint64 roleId) private {
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = selector;
        manager.setTargetFunctionRole(target, selectors, roleId);
    }
}

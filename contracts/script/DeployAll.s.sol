// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Vm} from "../test/support/Vm.sol";
import {DeploySystem} from "./DeploySystem.sol";

/// @notice `forge script contracts/script/DeployAll.s.sol --rpc-url $RPC_URL --broadcast` with DEPLOYER_KEY,
/// ADMIN (the Safe), GUARDIAN, SETTLER, OPERATOR, TREASURY and SETTLEMENT_TOKEN in the environment.
contract DeployAll is DeploySystem {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function run() external returns (System memory system) {
        uint256 deployerKey = vm.envUint("DEPLOYER_KEY");
        Config memory config = Config({
            deployer: vm.addr(deployerKey),
            admin: address(uint160(vm.envUint("ADMIN"))),
            guardian: address(uint160(vm.envUint("GUARDIAN"))),
            settler: address(uint160(vm.envUint("SETTLER"))),
            operator: address(uint160(vm.envUint("OPERATOR"))),
            treasury: address(uint160(vm.envUint("TREASURY"))),
            settlementToken: IERC20(address(uint160(vm.envUint("SETTLEMENT_TOKEN")))),
            feeBps: uint16(vm.envOr("FEE_BPS", uint256(100))),
            rewardPerKWh: vm.envOr("REWARD_PER_KWH", uint256(1e17)),
            certificateUri: "https://example.invalid/certificates/{id}.json"
        });
        vm.startBroadcast(deployerKey);
        system = _deploySystem(config);
        vm.stopBroadcast();
    }
}

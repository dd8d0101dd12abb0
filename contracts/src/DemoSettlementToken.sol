// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DemoSettlementToken
/// @notice A 6-decimal euro stand-in that anyone can mint, for local chains (anvil demo) and tests only. A real
/// deployment settles in an existing stablecoin and never deploys this contract.
contract DemoSettlementToken is ERC20 {
    constructor() ERC20("Demo Euro", "dEUR") {}

    /// @notice 6 decimals, like the stablecoins the platform settles in.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` base units to `to`; open to anyone (demo money).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

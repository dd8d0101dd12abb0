// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title PeerEnergyToken
/// @notice The platform's utility token (PET): staked to earn a share of trading fees, paid as liquidity
/// incentive. Fixed supply, minted once to the treasury; no mint function exists afterwards.
contract PeerEnergyToken is ERC20, ERC20Permit {
    uint256 public constant TOTAL_SUPPLY = 100_000_000e18;

    constructor(address treasury) ERC20("Peer Energy Token", "PET") ERC20Permit("Peer Energy Token") {
        _mint(treasury, TOTAL_SUPPLY);
    }
}

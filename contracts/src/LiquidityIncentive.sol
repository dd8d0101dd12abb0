// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ITradingMarketplace} from "./interfaces/ITradingMarketplace.sol";

/// @title LiquidityIncentive
/// @notice Pays PET to households whose standing orders get filled: every settled trade comes from a standing
/// order, so the marketplace's lifetime sold + bought Wh of an account measure the liquidity it provided.
/// Claims pay `rewardPerKWh` PET per newly filled kWh, from this contract's funded balance.
contract LiquidityIncentive is AccessManaged {
    using SafeERC20 for IERC20;

    /// @notice Hard cap on the rate: 10 PET per kWh.
    uint256 public constant MAX_REWARD_PER_KWH = 10e18;

    IERC20 public immutable rewardToken;
    ITradingMarketplace public immutable marketplace;
    uint256 public rewardPerKWh;
    mapping(address account => uint256) public claimedWh;

    event IncentiveClaimed(address indexed account, uint256 filledWh, uint256 reward);
    event RewardPerKWhSet(uint256 rewardPerKWh);

    error RewardRateAboveCap(uint256 rewardPerKWh, uint256 maxRewardPerKWh);
    error NothingToClaim(address account);
    error IncentiveFundsExhausted(uint256 needed, uint256 balance);

    constructor(address authority, IERC20 rewardToken_, ITradingMarketplace marketplace_, uint256 rewardPerKWh_)
        AccessManaged(authority)
    {
        if (rewardPerKWh_ > MAX_REWARD_PER_KWH) revert RewardRateAboveCap(rewardPerKWh_, MAX_REWARD_PER_KWH);
        rewardToken = rewardToken_;
        marketplace = marketplace_;
        rewardPerKWh = rewardPerKWh_;
    }

    /// @notice Pays `account` for the Wh filled since its last claim (anyone may trigger it; PET goes to `account`).
    function claim(address account) external returns (uint256 reward) {
        uint256 filledWh = filledWhOf(account);
        uint256 newWh = filledWh - claimedWh[account];
        if (newWh == 0) revert NothingToClaim(account);
        reward = newWh * rewardPerKWh / 1000;
        uint256 balance = rewardToken.balanceOf(address(this));
        if (reward > balance) revert IncentiveFundsExhausted(reward, balance);
        claimedWh[account] = filledWh;
        emit IncentiveClaimed(account, newWh, reward);
        rewardToken.safeTransfer(account, reward);
    }

    function filledWhOf(address account) public view returns (uint256) {
        return uint256(marketplace.accountOf(account).soldWh) + marketplace.accountOf(account).boughtWh;
    }

    /// @notice Sets the rate (parameter role, delayed), at most {MAX_REWARD_PER_KWH}.
    function setRewardPerKWh(uint256 rewardPerKWh_) external restricted {
        if (rewardPerKWh_ > MAX_REWARD_PER_KWH) revert RewardRateAboveCap(rewardPerKWh_, MAX_REWARD_PER_KWH);
        rewardPerKWh = rewardPerKWh_;
        emit RewardPerKWhSet(rewardPerKWh_);
    }
}

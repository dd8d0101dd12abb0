// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IFeeSink} from "./interfaces/IFeeSink.sol";
import {ITradingMarketplace} from "./interfaces/ITradingMarketplace.sol";

/// @title FeeStaking
/// @notice Stake PET, earn trading fees in the settlement token, streamed linearly over {REWARD_DURATION_S}
/// (Synthetix StakingRewards pattern). Verified grid contributors — accounts whose seal-verified sales reached
/// {CONTRIBUTOR_MIN_SOLD_WH} in the marketplace — stake with a {CONTRIBUTOR_BOOST_BPS} weight.
/// @dev Unlike StakingRewards, rewards streamed while nobody stakes are not stuck: they are kept in
/// `unallocatedRewards` and added to the next stream.
contract FeeStaking is IFeeSink, AccessManaged {
    using SafeERC20 for IERC20;

    uint256 public constant REWARD_DURATION_S = 7 days;
    uint256 public constant CONTRIBUTOR_MIN_SOLD_WH = 1_000;
    /// @notice Weight of a contributor's stake: 1.5×.
    uint256 public constant CONTRIBUTOR_BOOST_BPS = 15_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant PRECISION = 1e18;

    IERC20 public immutable stakingToken;
    IERC20 public immutable rewardToken;
    ITradingMarketplace public immutable marketplace;

    uint256 public periodFinishS;
    uint256 public rewardRatePerS;
    uint256 public lastUpdateS;
    uint256 public rewardPerWeightStored;
    uint256 public unallocatedRewards;
    uint256 public totalWeight;
    uint256 public totalStaked;

    mapping(address account => uint256) public stakedOf;
    mapping(address account => uint256) public weightOf;
    mapping(address account => uint256) public rewardPerWeightPaid;
    mapping(address account => uint256) public rewardsOf;

    event Staked(address indexed account, uint256 amount);
    event Unstaked(address indexed account, uint256 amount);
    event RewardPaid(address indexed account, uint256 amount);
    event RewardAdded(uint256 amount, uint256 rewardRatePerS, uint256 periodFinishS);
    event WeightUpdated(address indexed account, uint256 weight);

    error AmountZero();
    error InsufficientStake(address account, uint256 requested, uint256 staked);
    error RewardExceedsBalance(uint256 needed, uint256 balance);

    constructor(address authority, IERC20 stakingToken_, IERC20 rewardToken_, ITradingMarketplace marketplace_)
        AccessManaged(authority)
    {
        stakingToken = stakingToken_;
        rewardToken = rewardToken_;
        marketplace = marketplace_;
    }

    function lastTimeRewardApplicable() public view returns (uint256) {
        return block.timestamp < periodFinishS ? block.timestamp : periodFinishS;
    }

    function rewardPerWeight() public view returns (uint256) {
        if (totalWeight == 0) return rewardPerWeightStored;
        return
            rewardPerWeightStored + (lastTimeRewardApplicable() - lastUpdateS) * rewardRatePerS * PRECISION
                / totalWeight;
    }

    function earned(address account) public view returns (uint256) {
        return rewardsOf[account] + weightOf[account] * (rewardPerWeight() - rewardPerWeightPaid[account]) / PRECISION;
    }

    function stake(uint256 amount) external {
        if (amount == 0) revert AmountZero();
        _updateReward(msg.sender);
        stakedOf[msg.sender] += amount;
        totalStaked += amount;
        _updateWeight(msg.sender);
        emit Staked(msg.sender, amount);
        stakingToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    function unstake(uint256 amount) external {
        if (amount == 0) revert AmountZero();
        uint256 staked = stakedOf[msg.sender];
        if (amount > staked) revert InsufficientStake(msg.sender, amount, staked);
        _updateReward(msg.sender);
        stakedOf[msg.sender] = staked - amount;
        totalStaked -= amount;
        _updateWeight(msg.sender);
        emit Unstaked(msg.sender, amount);
        stakingToken.safeTransfer(msg.sender, amount);
    }

    function claimRewards() external {
        _updateReward(msg.sender);
        uint256 reward = rewardsOf[msg.sender];
        if (reward == 0) return;
        rewardsOf[msg.sender] = 0;
        emit RewardPaid(msg.sender, reward);
        rewardToken.safeTransfer(msg.sender, reward);
    }

    /// @notice Re-reads `account`'s contributor status (anyone may call, e.g. after its first sale).
    function poke(address account) external {
        _updateReward(account);
        _updateWeight(account);
    }

    /// @inheritdoc IFeeSink
    /// @dev Restricted to the reward-notifier role (the marketplace). Leftovers of the running stream and rewards
    /// that streamed while nobody staked are folded into the new stream.
    function notifyRewardAmount(uint256 amount) external restricted {
        _updateReward(address(0));
        uint256 total = amount + unallocatedRewards;
        unallocatedRewards = 0;
        if (block.timestamp < periodFinishS) total += (periodFinishS - block.timestamp) * rewardRatePerS;
        uint256 rate = total / REWARD_DURATION_S;
        uint256 balance = rewardToken.balanceOf(address(this));
        if (rate * REWARD_DURATION_S > balance) revert RewardExceedsBalance(rate * REWARD_DURATION_S, balance);
        unallocatedRewards = total - rate * REWARD_DURATION_S; // rounding dust waits for the next stream
        rewardRatePerS = rate;
        lastUpdateS = block.timestamp;
        periodFinishS = block.timestamp + REWARD_DURATION_S;
        emit RewardAdded(amount, rate, periodFinishS);
    }

    function _updateReward(address account) private {
        uint256 applicable = lastTimeRewardApplicable();
        if (totalWeight == 0) {
            if (applicable > lastUpdateS) unallocatedRewards += (applicable - lastUpdateS) * rewardRatePerS;
        } else {
            rewardPerWeightStored = rewardPerWeight();
        }
        lastUpdateS = applicable;
        if (account != address(0)) {
            rewardsOf[account] = earned(account);
            rewardPerWeightPaid[account] = rewardPerWeightStored;
        }
    }

    function _updateWeight(address account) private {
        uint256 weight = stakedOf[account];
        if (marketplace.accountOf(account).soldWh >= CONTRIBUTOR_MIN_SOLD_WH) {
            weight = weight * CONTRIBUTOR_BOOST_BPS / BPS;
        }
        totalWeight = totalWeight - weightOf[account] + weight;
        weightOf[account] = weight;
        emit WeightUpdated(account, weight);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A household's ledger entry in one storage slot: escrowed settlement tokens and lifetime traded energy
/// (read by staking boosts, liquidity incentives and achievement badges).
struct Account {
    uint128 balance;
    uint64 soldWh;
    uint64 boughtWh;
}

/// @notice What the marketplace remembers about a meter after it settled: where its next seal must continue from.
struct MeterState {
    uint32 lastSeq;
    uint32 lastEndS;
    uint48 lastExportEndWh;
    uint64 paidWh;
    bool hasSettled;
    /// @notice Wh paid so far against the last settled seal (one seal may pay in several batches of its interval).
    uint48 lastSealPaidWh;
}

/// @title ITradingMarketplace
/// @notice Escrow ledger in a settlement ERC-20 and once-per-interval settlement of a grid zone's trades, paid only
/// against meter seals verified on-chain (SHA-256 + ecrecover, docs/protocol.md).
/// @dev Settlement calldata is packed (docs/contracts.md §"Settlement calldata"):
/// `sellers` = n × (seller 20 ‖ canonical seal bytes 92 ‖ r 32 ‖ s 32 ‖ v 1),
/// `trades` = m × (buyer 20 ‖ buyer climb u2 ‖ seller index u14 ‖ energyWh u32); each trade costs
/// energyWh × pricePerKWh / 1000 (rounded down), paid by the buyer, credited to the seller minus the fee. Zones of
/// a tree carry their path in the id (docs/contracts.md §"Zone ids"): a batch of zone Z settles meters registered in
/// Z or below it, and charges the grid fees of the levels a seller's or buyer's energy climbed to reach Z.
interface ITradingMarketplace {
    /// @notice Tokens entered the ledger for `account`.
    event Deposited(address indexed payer, address indexed account, uint256 amount);
    /// @notice Tokens left the ledger.
    event Withdrawn(address indexed account, address indexed to, uint256 amount);
    /// @notice One event per settled batch: everything a neighbour needs to audit it against the transaction's
    /// calldata. `tradesHash` and `sellersHash` are keccak256 of the packed calldata; `certificateRoot` is the Merkle
    /// root of the certificate leaves (see {certificateLeaf}).
    event ZoneIntervalSettled(
        uint64 indexed zone,
        uint32 indexed intervalStartS,
        bytes32 indexed batchKey,
        bytes32 certificateRoot,
        bytes32 tradesHash,
        bytes32 sellersHash,
        uint256 pricePerKWh,
        uint256 tradeCount,
        uint256 energyWh,
        uint256 grossAmount,
        uint256 feeAmount
    );
    /// @notice Accrued fees were sent to the fee sink (staking rewards).
    event FeesDistributed(address indexed feeSink, uint256 amount);
    event FeeBpsSet(uint16 feeBps);
    event FeeSinkSet(address feeSink);
    /// @notice Grid fees per kWh entered at each level, in settlement-token base units.
    event GridFeesSet(uint32 houseFeePerKWh, uint32 feederFeePerKWh, uint32 substationFeePerKWh);
    event GridOperatorSet(address gridOperator);
    /// @notice The batch's grid fees (sellers' and buyers') were credited to the grid operator's ledger entry.
    event GridFeesCharged(bytes32 indexed batchKey, address indexed gridOperator, uint256 amount);

    error AmountZero();
    error InsufficientBalance(address account, uint256 requested, uint256 available);
    /// @notice The zone's interval has already been settled (settlement is idempotent: once per zone and interval).
    error IntervalAlreadySettled(uint64 zone, uint32 intervalStartS);
    /// @notice The settled interval is empty or backwards, or not over yet (`intervalEndS` after the block time).
    error IntervalInvalid(uint32 intervalStartS, uint32 intervalEndS);
    error BatchEmpty();
    error SellersCalldataMalformed(uint256 length);
    error TradesCalldataMalformed(uint256 length);
    error SellerIndexOutOfRange(uint256 index, uint256 sellerCount);
    error TradeEnergyZero(uint256 tradeIndex);
    /// @notice The seal was not signed by the meter it names (forged or tampered).
    error SealSignerMismatch(address meter, address signer);
    /// @notice The meter is not registered, or was deactivated.
    error MeterNotActive(address meter);
    /// @notice The meter is registered in another zone than the one being settled.
    error MeterWrongZone(address meter, uint64 zone, uint64 registeredZone);
    /// @notice The seller being paid does not own the meter.
    error MeterNotOwnedBySeller(address meter, address seller, address owner);
    /// @notice The seal's sequence number is not past the last settled one: a replay.
    error SealReplayed(address meter, uint32 seq, uint32 lastSeq);
    /// @notice The seal's interval starts before the end of the last settled one.
    error SealOverlapsSettled(address meter, uint32 startS, uint32 lastEndS);
    /// @notice The seal's export register starts below the last settled end: energy would be paid twice.
    error ExportCounterRolledBack(address meter, uint48 exportStartWh, uint48 lastExportEndWh);
    /// @notice The seal's interval is empty or backwards, its export register runs backwards, or it ends in the future.
    error SealIntervalInvalid(address meter, uint32 startS, uint32 endS);
    /// @notice The seal's [startS, endS] does not lie within the settled interval: a seal pays only the interval
    /// it was made for (docs/protocol.md: a seal's boundaries are its market interval's).
    error SealOutsideInterval(address meter, uint32 startS, uint32 endS, uint32 intervalStartS, uint32 intervalEndS);
    /// @notice A seller's trades exceed its sealed export (exportEndWh − exportStartWh), less what earlier batches
    /// already paid against the same seal.
    error SoldMoreThanSealed(address meter, uint256 soldWh, uint256 sealedExportWh);
    /// @notice The seal repeats the last settled seq but is not the same seal (another end or export register end).
    error SealConflictsWithSettled(address meter, uint32 seq);
    /// @notice The trade's buyer climb is not 0 and not below the batch zone's level.
    error BuyerClimbInvalid(uint256 tradeIndex, uint256 climb, uint256 zoneLevel);
    /// @notice The batch charges grid fees but no grid operator is set to receive them.
    error GridOperatorUnset();
    /// @notice A buyer's escrow does not cover its trades: the whole batch reverts (the relay checks first).
    error InsufficientDeposit(address buyer, uint256 requiredAmount, uint256 availableAmount);
    error FeeAboveCap(uint16 feeBps, uint16 maxFeeBps);
    error FeeSinkUnset();

    /// @notice Moves `amount` settlement tokens from the caller into `account`'s escrow.
    function deposit(address account, uint256 amount) external;

    /// @notice Moves `amount` of the caller's escrow out to `to` (allowed while paused: money can always leave).
    function withdraw(address to, uint256 amount) external;

    /// @notice Settles one zone's interval [intervalStartS, intervalEndS] (settler role, not paused; the interval
    /// must be over). Every seal must lie within the interval. See the interface notes for the calldata.
    /// @return batchKey keccak256(abi.encode(zone, intervalStartS)).
    function settle(
        uint64 zone,
        uint32 intervalStartS,
        uint32 intervalEndS,
        uint96 pricePerKWh,
        bytes calldata sellers,
        bytes calldata trades
    ) external returns (bytes32 batchKey);

    /// @notice Sends all accrued fees to the fee sink and starts a reward stream there (anyone may call).
    function distributeFees() external;

    /// @notice Sets the fee in basis points of each trade's amount, at most {MAX_FEE_BPS} (parameter role, delayed).
    function setFeeBps(uint16 feeBps) external;

    /// @notice Sets where fees go (parameter role, delayed).
    function setFeeSink(address feeSink) external;

    /// @notice Sets the grid fee per kWh for entering a house (level 1), feeder (2) and substation (3) zone, in
    /// settlement-token base units (parameter role, delayed).
    function setGridFees(uint32 houseFeePerKWh, uint32 feederFeePerKWh, uint32 substationFeePerKWh) external;

    /// @notice Sets the ledger account credited with grid fees (parameter role, delayed).
    function setGridOperator(address gridOperator) external;

    function pause() external;
    function unpause() external;

    function accountOf(address account) external view returns (Account memory);
    function meterStateOf(address meter) external view returns (MeterState memory);
    /// @notice Merkle root of the batch's certificate leaves; zero while the interval is unsettled.
    function certificateRoot(bytes32 batchKey) external view returns (bytes32);
    function feesAccrued() external view returns (uint256);
    function feeBps() external view returns (uint16);
    function feeSink() external view returns (address);
    function gridFees() external view returns (uint32 house, uint32 feeder, uint32 substation);
    function gridOperator() external view returns (address);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFeeSink} from "./interfaces/IFeeSink.sol";
import {IMeterRegistry, MeterRecord} from "./interfaces/IMeterRegistry.sol";
import {Account, ITradingMarketplace, MeterState} from "./interfaces/ITradingMarketplace.sol";
import {CertificateLeafLib} from "./libraries/CertificateLeafLib.sol";
import {PackedSealLib} from "./libraries/PackedSealLib.sol";
import {Seal} from "./libraries/SealLib.sol";

/// @title TradingMarketplace
/// @notice See {ITradingMarketplace}. Storage written per batch: one slot for the batch (its certificate root, which
/// also marks the interval settled), one per distinct meter, one per distinct account, one for fees; never one per
/// trade. Totals are accumulated in memory.
contract TradingMarketplace is ITradingMarketplace, AccessManaged, Pausable {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Hard cap on the trading fee: 3 % of each trade's amount.
    uint16 public constant MAX_FEE_BPS = 300;
    uint256 private constant BPS = 10_000;
    uint256 private constant WH_PER_KWH = 1000;
    uint256 private constant TRADE_BYTE_LENGTH = 26;

    IERC20 public immutable settlementToken;
    IMeterRegistry public immutable registry;

    mapping(address account => Account) private _accounts;
    mapping(address meter => MeterState) private _meters;
    mapping(bytes32 batchKey => bytes32) private _certificateRoots;
    uint128 private _feesAccrued;
    uint16 private _feeBps;
    address private _feeSink;

    /// @dev A seller entry of the batch being settled, with its running totals.
    struct SellerTally {
        address seller;
        address meter;
        uint32 startS;
        uint32 endS;
        uint256 sealedExportWh;
        uint256 soldWh;
        uint256 grossAmount;
    }

    /// @dev Consecutive trades of one buyer, debited in one ledger write.
    struct BuyerRun {
        address buyer;
        uint256 amount;
        uint256 energyWh;
    }

    /// @dev The batch's totals, for its event.
    struct BatchTotals {
        uint256 tradeCount;
        uint256 energyWh;
        uint256 grossAmount;
        uint256 feeAmount;
    }

    constructor(address authority, IERC20 settlementToken_, IMeterRegistry registry_, uint16 feeBps_)
        AccessManaged(authority)
    {
        if (feeBps_ > MAX_FEE_BPS) revert FeeAboveCap(feeBps_, MAX_FEE_BPS);
        settlementToken = settlementToken_;
        registry = registry_;
        _feeBps = feeBps_;
    }

    // ─── Ledger ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITradingMarketplace
    function deposit(address account, uint256 amount) external whenNotPaused {
        if (amount == 0) revert AmountZero();
        Account memory entry = _accounts[account];
        entry.balance = (entry.balance + amount).toUint128();
        _accounts[account] = entry;
        emit Deposited(msg.sender, account, amount);
        settlementToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ITradingMarketplace
    function withdraw(address to, uint256 amount) external {
        if (amount == 0) revert AmountZero();
        Account memory entry = _accounts[msg.sender];
        if (entry.balance < amount) revert InsufficientBalance(msg.sender, amount, entry.balance);
        entry.balance -= uint128(amount);
        _accounts[msg.sender] = entry;
        emit Withdrawn(msg.sender, to, amount);
        settlementToken.safeTransfer(to, amount);
    }

    // ─── Settlement ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITradingMarketplace
    function settle(
        uint64 zone,
        uint32 intervalStartS,
        uint96 pricePerKWh,
        bytes calldata sellers,
        bytes calldata trades
    ) external restricted whenNotPaused returns (bytes32 batchKey) {
        batchKey = keccak256(abi.encode(zone, intervalStartS));
        if (_certificateRoots[batchKey] != bytes32(0)) revert IntervalAlreadySettled(zone, intervalStartS);
        if (sellers.length % PackedSealLib.ENTRY_BYTE_LENGTH != 0) revert SellersCalldataMalformed(sellers.length);
        if (trades.length % TRADE_BYTE_LENGTH != 0) revert TradesCalldataMalformed(trades.length);
        if (sellers.length == 0 || trades.length == 0) revert BatchEmpty();

        SellerTally[] memory tallies = _verifySeals(zone, sellers);
        BatchTotals memory totals;
        bytes32[] memory leaves = _debitBuyers(batchKey, pricePerKWh, trades, tallies, totals);
        _creditSellers(tallies, totals);
        bytes32 root = CertificateLeafLib.root(leaves);
        _certificateRoots[batchKey] = root;
        _feesAccrued += totals.feeAmount.toUint128();
        _emitSettled(zone, intervalStartS, batchKey, root, pricePerKWh, sellers, trades, totals);
    }

    /// @dev Checks every seal (signature, registry, continuity) and moves each meter's settled position past it.
    /// Writing the position at once makes a second seal of the same meter in this batch continue from the first.
    function _verifySeals(uint64 zone, bytes calldata sellers) private returns (SellerTally[] memory tallies) {
        uint256 count = sellers.length / PackedSealLib.ENTRY_BYTE_LENGTH;
        tallies = new SellerTally[](count);
        for (uint256 i = 0; i < count; i++) {
            (address seller, Seal memory seal, address signer) =
                PackedSealLib.read(sellers, i * PackedSealLib.ENTRY_BYTE_LENGTH);
            address meter = seal.meter;
            if (signer != meter) revert SealSignerMismatch(meter, signer);
            MeterRecord memory record = registry.meterRecord(meter);
            if (!record.isActive) revert MeterNotActive(meter);
            if (record.zone != zone) revert MeterWrongZone(meter, zone, record.zone);
            if (record.owner != seller) revert MeterNotOwnedBySeller(meter, seller, record.owner);
            if (seal.endS <= seal.startS || seal.endS > block.timestamp || seal.exportEndWh < seal.exportStartWh) {
                revert SealIntervalInvalid(meter, seal.startS, seal.endS);
            }
            MeterState memory state = _meters[meter];
            if (state.hasSettled) {
                if (seal.seq <= state.lastSeq) revert SealReplayed(meter, seal.seq, state.lastSeq);
                if (seal.startS < state.lastEndS) revert SealOverlapsSettled(meter, seal.startS, state.lastEndS);
                if (seal.exportStartWh < state.lastExportEndWh) {
                    revert ExportCounterRolledBack(meter, seal.exportStartWh, state.lastExportEndWh);
                }
            }
            state.lastSeq = seal.seq;
            state.lastEndS = seal.endS;
            state.lastExportEndWh = seal.exportEndWh;
            state.hasSettled = true;
            _meters[meter] = state;
            tallies[i] = SellerTally({
                seller: seller,
                meter: meter,
                startS: seal.startS,
                endS: seal.endS,
                sealedExportWh: seal.exportEndWh - seal.exportStartWh,
                soldWh: 0,
                grossAmount: 0
            });
        }
    }

    /// @dev One pass over the trades: tallies per seller, certificate leaves, and one ledger write per run of
    /// consecutive trades of the same buyer (the relay sends trades grouped by buyer).
    function _debitBuyers(
        bytes32 batchKey,
        uint256 pricePerKWh,
        bytes calldata trades,
        SellerTally[] memory tallies,
        BatchTotals memory totals
    ) private returns (bytes32[] memory leaves) {
        uint256 count = trades.length / TRADE_BYTE_LENGTH;
        leaves = new bytes32[](count);
        BuyerRun memory run;
        for (uint256 t = 0; t < count; t++) {
            uint256 word;
            assembly ("memory-safe") {
                word := calldataload(add(trades.offset, mul(t, TRADE_BYTE_LENGTH)))
            }
            address buyer = address(uint160(word >> 96));
            uint256 energyWh = uint32(word >> 48);
            if (energyWh == 0) revert TradeEnergyZero(t);
            uint256 amount = energyWh * pricePerKWh / WH_PER_KWH;
            SellerTally memory tally = _tallyOf(tallies, uint16(word >> 80));
            tally.soldWh += energyWh;
            tally.grossAmount += amount;
            leaves[t] = _leafHash(batchKey, buyer, tally.meter, energyWh, tally.startS, tally.endS);
            if (buyer != run.buyer) {
                if (run.energyWh != 0) _debit(run);
                run.buyer = buyer;
                run.amount = amount;
                run.energyWh = energyWh;
            } else {
                run.amount += amount;
                run.energyWh += energyWh;
            }
            totals.energyWh += energyWh;
            totals.grossAmount += amount;
        }
        _debit(run);
        totals.tradeCount = count;
    }

    function _tallyOf(SellerTally[] memory tallies, uint256 index) private pure returns (SellerTally memory) {
        if (index >= tallies.length) revert SellerIndexOutOfRange(index, tallies.length);
        return tallies[index];
    }

    function _debit(BuyerRun memory run) private {
        Account memory entry = _accounts[run.buyer];
        if (entry.balance < run.amount) revert InsufficientDeposit(run.buyer, run.amount, entry.balance);
        entry.balance -= uint128(run.amount);
        entry.boughtWh = (entry.boughtWh + run.energyWh).toUint64();
        _accounts[run.buyer] = entry;
    }

    /// @dev Pays each seller at most its sealed export, minus the fee (rounded down, in the seller's favour).
    function _creditSellers(SellerTally[] memory tallies, BatchTotals memory totals) private {
        uint256 feeBps_ = _feeBps;
        for (uint256 i = 0; i < tallies.length; i++) {
            SellerTally memory tally = tallies[i];
            if (tally.soldWh > tally.sealedExportWh) {
                revert SoldMoreThanSealed(tally.meter, tally.soldWh, tally.sealedExportWh);
            }
            if (tally.soldWh == 0) continue;
            uint256 fee = tally.grossAmount * feeBps_ / BPS;
            Account memory entry = _accounts[tally.seller];
            entry.balance = (entry.balance + tally.grossAmount - fee).toUint128();
            entry.soldWh = (entry.soldWh + tally.soldWh).toUint64();
            _accounts[tally.seller] = entry;
            MeterState storage state = _meters[tally.meter];
            state.paidWh = (state.paidWh + tally.soldWh).toUint64();
            totals.feeAmount += fee;
        }
    }

    /// @dev {CertificateLeafLib-hash} in scratch memory, without allocating per trade.
    function _leafHash(bytes32 batchKey, address buyer, address meter, uint256 energyWh, uint32 startS, uint32 endS)
        private
        pure
        returns (bytes32 leaf)
    {
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore(buffer, batchKey)
            mstore(add(buffer, 0x20), buyer)
            mstore(add(buffer, 0x40), meter)
            mstore(add(buffer, 0x60), energyWh)
            mstore(add(buffer, 0x80), startS)
            mstore(add(buffer, 0xa0), endS)
            leaf := keccak256(buffer, 0xc0)
        }
    }

    function _emitSettled(
        uint64 zone,
        uint32 intervalStartS,
        bytes32 batchKey,
        bytes32 root,
        uint256 pricePerKWh,
        bytes calldata sellers,
        bytes calldata trades,
        BatchTotals memory totals
    ) private {
        emit ZoneIntervalSettled(
            zone,
            intervalStartS,
            batchKey,
            root,
            keccak256(trades),
            keccak256(sellers),
            pricePerKWh,
            totals.tradeCount,
            totals.energyWh,
            totals.grossAmount,
            totals.feeAmount
        );
    }

    // ─── Fees and administration ─────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITradingMarketplace
    function distributeFees() external whenNotPaused {
        address sink = _feeSink;
        if (sink == address(0)) revert FeeSinkUnset();
        uint256 amount = _feesAccrued;
        if (amount == 0) revert AmountZero();
        _feesAccrued = 0;
        emit FeesDistributed(sink, amount);
        settlementToken.safeTransfer(sink, amount);
        IFeeSink(sink).notifyRewardAmount(amount);
    }

    /// @inheritdoc ITradingMarketplace
    function setFeeBps(uint16 feeBps_) external restricted {
        if (feeBps_ > MAX_FEE_BPS) revert FeeAboveCap(feeBps_, MAX_FEE_BPS);
        _feeBps = feeBps_;
        emit FeeBpsSet(feeBps_);
    }

    /// @inheritdoc ITradingMarketplace
    function setFeeSink(address feeSink_) external restricted {
        _feeSink = feeSink_;
        emit FeeSinkSet(feeSink_);
    }

    /// @inheritdoc ITradingMarketplace
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc ITradingMarketplace
    function unpause() external restricted {
        _unpause();
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────────

    function accountOf(address account) external view returns (Account memory) {
        return _accounts[account];
    }

    function meterStateOf(address meter) external view returns (MeterState memory) {
        return _meters[meter];
    }

    function certificateRoot(bytes32 batchKey) external view returns (bytes32) {
        return _certificateRoots[batchKey];
    }

    function feesAccrued() external view returns (uint256) {
        return _feesAccrued;
    }

    function feeBps() external view returns (uint16) {
        return _feeBps;
    }

    function feeSink() external view returns (address) {
        return _feeSink;
    }
}

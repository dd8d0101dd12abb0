// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFeeSink} from "./interfaces/IFeeSink.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {Account, ITradingMarketplace, MeterState} from "./interfaces/ITradingMarketplace.sol";
import {AccountWordLib} from "./libraries/AccountWordLib.sol";
import {CertificateLeafLib} from "./libraries/CertificateLeafLib.sol";
import {MeterRecordWordLib} from "./libraries/MeterRecordWordLib.sol";
import {MeterStateWordLib} from "./libraries/MeterStateWordLib.sol";
import {PackedSealLib} from "./libraries/PackedSealLib.sol";

/// @title TradingMarketplace
/// @notice See {ITradingMarketplace}. Storage written per batch: one slot for the batch (its certificate root, which
/// also marks the interval settled), one per distinct meter, one per distinct account, one for fees; never one per
/// trade. Ledger entries and meter positions are kept as packed words (AccountWordLib, MeterStateWordLib) so each
/// is loaded once and stored once; seals are read straight from calldata (PackedSealLib); per-seller totals live in
/// two memory arrays. Gas figures and the reasoning: docs/adr/0200-settlement-calldata-and-gas.md.
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

    /// @dev {Account} packed by AccountWordLib.
    mapping(address account => uint256) private _accountWords;
    /// @dev {MeterState} packed by MeterStateWordLib.
    mapping(address meter => uint256) private _meterWords;
    mapping(bytes32 batchKey => bytes32) private _certificateRoots;
    uint128 private _feesAccrued;
    uint16 private _feeBps;
    address private _feeSink;

    /// @dev Per seller entry of the batch being settled: Wh sold and gross amount, indexed like the entries.
    struct SellerTotals {
        uint256[] soldWh;
        uint256[] grossAmount;
    }

    /// @dev The batch being settled: what every trade needs, the certificate leaves, and the totals for the event.
    struct BatchContext {
        bytes32 batchKey;
        uint256 pricePerKWh;
        /// Absolute calldata position of the first seller entry.
        uint256 sellersOffset;
        bytes32[] leaves;
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
        _accountWords[account] = AccountWordLib.credited(_accountWords[account], amount, 0);
        emit Deposited(msg.sender, account, amount);
        settlementToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ITradingMarketplace
    function withdraw(address to, uint256 amount) external {
        if (amount == 0) revert AmountZero();
        uint256 word = _accountWords[msg.sender];
        uint256 balance = AccountWordLib.balance(word);
        if (balance < amount) revert InsufficientBalance(msg.sender, amount, balance);
        _accountWords[msg.sender] = AccountWordLib.debited(word, amount, 0);
        emit Withdrawn(msg.sender, to, amount);
        settlementToken.safeTransfer(to, amount);
    }

    // ─── Settlement ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITradingMarketplace
    function settle(
        uint64 zone,
        uint32 intervalStartS,
        uint32 intervalEndS,
        uint96 pricePerKWh,
        bytes calldata sellers,
        bytes calldata trades
    ) external restricted whenNotPaused returns (bytes32 batchKey) {
        batchKey = keccak256(abi.encode(zone, intervalStartS));
        if (_certificateRoots[batchKey] != bytes32(0)) revert IntervalAlreadySettled(zone, intervalStartS);
        if (intervalEndS <= intervalStartS || intervalEndS > block.timestamp) {
            revert IntervalInvalid(intervalStartS, intervalEndS);
        }
        if (sellers.length % PackedSealLib.ENTRY_BYTE_LENGTH != 0) revert SellersCalldataMalformed(sellers.length);
        if (trades.length % TRADE_BYTE_LENGTH != 0) revert TradesCalldataMalformed(trades.length);
        if (sellers.length == 0 || trades.length == 0) revert BatchEmpty();

        uint256 sellerCount = sellers.length / PackedSealLib.ENTRY_BYTE_LENGTH;
        _verifySeals(zone, intervalStartS, intervalEndS, sellers, sellerCount);
        SellerTotals memory perSeller =
            SellerTotals({soldWh: new uint256[](sellerCount), grossAmount: new uint256[](sellerCount)});
        BatchContext memory batch;
        batch.batchKey = batchKey;
        batch.pricePerKWh = pricePerKWh;
        batch.sellersOffset = PackedSealLib.entry(sellers, 0);
        batch.leaves = new bytes32[](trades.length / TRADE_BYTE_LENGTH);
        _debitBuyers(batch, trades, perSeller);
        batch.feeAmount = _creditSellers(sellers, perSeller);
        bytes32 root = CertificateLeafLib.root(batch.leaves);
        _certificateRoots[batchKey] = root;
        _feesAccrued += batch.feeAmount.toUint128();
        _emitSettled(zone, intervalStartS, root, sellers, trades, batch);
    }

    /// @dev Checks every seal (signature, registry, sanity, continuity, interval) and moves each meter's settled
    /// position past it. Writing the position at once makes a second seal of the same meter in this batch
    /// continue from the first.
    function _verifySeals(
        uint64 zone,
        uint32 intervalStartS,
        uint32 intervalEndS,
        bytes calldata sellers,
        uint256 count
    ) private {
        for (uint256 i = 0; i < count; i++) {
            uint256 entry = PackedSealLib.entry(sellers, i);
            address meter = PackedSealLib.meter(entry);
            address signer = PackedSealLib.signer(entry);
            if (signer != meter) revert SealSignerMismatch(meter, signer);
            _checkRegistration(meter, zone, PackedSealLib.seller(entry));
            uint256 state = _checkContinuity(meter, entry);
            uint32 startS = PackedSealLib.startS(entry);
            uint32 endS = PackedSealLib.endS(entry);
            if (startS < intervalStartS || endS > intervalEndS) {
                revert SealOutsideInterval(meter, startS, endS, intervalStartS, intervalEndS);
            }
            _meterWords[meter] =
                MeterStateWordLib.advanced(state, PackedSealLib.seq(entry), endS, PackedSealLib.exportEndWh(entry));
        }
    }

    /// @dev The seal at calldata position `entry` is a well-formed interval that continues `meter`'s last settled
    /// one; returns the meter's position word.
    function _checkContinuity(address meter, uint256 entry) private view returns (uint256 state) {
        uint32 startS = PackedSealLib.startS(entry);
        uint32 endS = PackedSealLib.endS(entry);
        uint48 exportStartWh = PackedSealLib.exportStartWh(entry);
        if (endS <= startS || endS > block.timestamp || PackedSealLib.exportEndWh(entry) < exportStartWh) {
            revert SealIntervalInvalid(meter, startS, endS);
        }
        state = _meterWords[meter];
        if (MeterStateWordLib.hasSettled(state)) {
            uint32 seq = PackedSealLib.seq(entry);
            uint32 lastSeq = MeterStateWordLib.lastSeq(state);
            if (seq <= lastSeq) revert SealReplayed(meter, seq, lastSeq);
            uint32 lastEndS = MeterStateWordLib.lastEndS(state);
            if (startS < lastEndS) revert SealOverlapsSettled(meter, startS, lastEndS);
            uint48 lastExportEndWh = MeterStateWordLib.lastExportEndWh(state);
            if (exportStartWh < lastExportEndWh) revert ExportCounterRolledBack(meter, exportStartWh, lastExportEndWh);
        }
    }

    /// @dev The meter is registered, active, in `zone` and owned by `seller` (one word from the registry, read with
    /// a bare staticcall: no ABI decoding, no extcodesize check — the registry is an immutable, known contract).
    function _checkRegistration(address meter, uint64 zone, address seller) private view {
        address registry_ = address(registry);
        bytes4 selector = IMeterRegistry.meterRecordWord.selector;
        uint256 record;
        assembly ("memory-safe") {
            mstore(0x00, selector)
            mstore(0x04, meter)
            if iszero(staticcall(gas(), registry_, 0x00, 0x24, 0x00, 0x20)) { revert(0, 0) }
            record := mload(0x00)
        }
        if (!MeterRecordWordLib.isActive(record)) revert MeterNotActive(meter);
        uint64 registeredZone = MeterRecordWordLib.zone(record);
        if (registeredZone != zone) revert MeterWrongZone(meter, zone, registeredZone);
        address owner = MeterRecordWordLib.owner(record);
        if (owner != seller) revert MeterNotOwnedBySeller(meter, seller, owner);
    }

    /// @dev One pass over the trades: per-seller totals, certificate leaves, and one ledger write per run of
    /// consecutive trades of the same buyer (the relay sends trades grouped by buyer).
    function _debitBuyers(BatchContext memory batch, bytes calldata trades, SellerTotals memory perSeller) private {
        uint256 count = trades.length / TRADE_BYTE_LENGTH;
        address runBuyer;
        uint256 runAmount;
        uint256 runEnergyWh;
        for (uint256 t = 0; t < count; t++) {
            (address buyer, uint256 amount, uint256 energyWh) = _tallyTrade(batch, trades, t, perSeller);
            if (buyer != runBuyer) {
                if (runEnergyWh != 0) _debit(runBuyer, runAmount, runEnergyWh);
                runBuyer = buyer;
                runAmount = amount;
                runEnergyWh = energyWh;
            } else {
                unchecked {
                    runAmount += amount;
                    runEnergyWh += energyWh;
                }
            }
            unchecked {
                batch.energyWh += energyWh;
                batch.grossAmount += amount;
            }
        }
        _debit(runBuyer, runAmount, runEnergyWh);
    }

    /// @dev Decodes trade `t`, adds it to its seller's totals and writes its certificate leaf.
    function _tallyTrade(BatchContext memory batch, bytes calldata trades, uint256 t, SellerTotals memory perSeller)
        private
        pure
        returns (address buyer, uint256 amount, uint256 energyWh)
    {
        uint256 word;
        assembly ("memory-safe") {
            word := calldataload(add(trades.offset, mul(t, TRADE_BYTE_LENGTH)))
        }
        buyer = address(uint160(word >> 96));
        uint256 sellerIndex = uint16(word >> 80);
        energyWh = uint32(word >> 48);
        uint256 sellerCount = perSeller.soldWh.length;
        if (sellerIndex >= sellerCount) revert SellerIndexOutOfRange(sellerIndex, sellerCount);
        if (energyWh == 0) revert TradeEnergyZero(t);
        // energyWh < 2^32 and pricePerKWh < 2^96: the product, and the sums over any calldata-sized batch, stay far
        // below 2^256 (amounts are narrowed with checks when they reach the ledger).
        unchecked {
            amount = energyWh * batch.pricePerKWh / WH_PER_KWH;
            perSeller.soldWh[sellerIndex] += energyWh;
            perSeller.grossAmount[sellerIndex] += amount;
        }
        uint256 entry = batch.sellersOffset + sellerIndex * PackedSealLib.ENTRY_BYTE_LENGTH;
        batch.leaves[t] = _leafHash(batch.batchKey, buyer, entry, energyWh);
    }

    function _debit(address buyer, uint256 amount, uint256 energyWh) private {
        uint256 word = _accountWords[buyer];
        uint256 balance = AccountWordLib.balance(word);
        if (balance < amount) revert InsufficientDeposit(buyer, amount, balance);
        _accountWords[buyer] = AccountWordLib.debited(word, amount, energyWh);
    }

    /// @dev Pays each seller at most its sealed export, minus the fee (rounded down, in the seller's favour).
    function _creditSellers(bytes calldata sellers, SellerTotals memory perSeller) private returns (uint256 feeAmount) {
        uint256 feeBps_ = _feeBps;
        uint256 count = perSeller.soldWh.length;
        for (uint256 i = 0; i < count; i++) {
            uint256 entry = PackedSealLib.entry(sellers, i);
            uint256 soldWh = perSeller.soldWh[i];
            // exportEndWh ≥ exportStartWh was checked with the seal.
            uint256 sealedExportWh;
            unchecked {
                sealedExportWh = PackedSealLib.exportEndWh(entry) - PackedSealLib.exportStartWh(entry);
            }
            if (soldWh > sealedExportWh) revert SoldMoreThanSealed(PackedSealLib.meter(entry), soldWh, sealedExportWh);
            if (soldWh == 0) continue;
            uint256 grossAmount = perSeller.grossAmount[i];
            // grossAmount < 2^180 (see _tallyTrade) and feeBps_ ≤ 300: no overflow; fee ≤ grossAmount.
            uint256 fee;
            unchecked {
                fee = grossAmount * feeBps_ / BPS;
                feeAmount += fee;
            }
            address seller = PackedSealLib.seller(entry);
            _accountWords[seller] = AccountWordLib.credited(_accountWords[seller], grossAmount - fee, soldWh);
            address meter = PackedSealLib.meter(entry);
            _meterWords[meter] = MeterStateWordLib.paid(_meterWords[meter], soldWh);
        }
    }

    /// @dev {CertificateLeafLib-hash} of one trade in scratch memory, without allocating per trade; the meter and
    /// generation interval come from the seller entry at calldata position `entry`.
    function _leafHash(bytes32 batchKey, address buyer, uint256 entry, uint256 energyWh)
        private
        pure
        returns (bytes32 leaf)
    {
        address meter = PackedSealLib.meter(entry);
        uint256 startS = PackedSealLib.startS(entry);
        uint256 endS = PackedSealLib.endS(entry);
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
        bytes32 root,
        bytes calldata sellers,
        bytes calldata trades,
        BatchContext memory batch
    ) private {
        emit ZoneIntervalSettled(
            zone,
            intervalStartS,
            batch.batchKey,
            root,
            keccak256(trades),
            keccak256(sellers),
            batch.pricePerKWh,
            batch.leaves.length,
            batch.energyWh,
            batch.grossAmount,
            batch.feeAmount
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
        return AccountWordLib.decode(_accountWords[account]);
    }

    function meterStateOf(address meter) external view returns (MeterState memory) {
        return MeterStateWordLib.decode(_meterWords[meter]);
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

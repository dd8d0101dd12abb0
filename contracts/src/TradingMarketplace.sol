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
import {SellerTallyLib} from "./libraries/SellerTallyLib.sol";

/// @title TradingMarketplace
/// @notice See {ITradingMarketplace}. Storage written per batch: one slot for the batch (its certificate root, which
/// also marks the interval settled), one per distinct meter, one per distinct account, one for fees; never one per
/// trade. Ledger entries and meter positions are kept as packed words (AccountWordLib, MeterStateWordLib) so each
/// is loaded once and stored once; seals are read straight from calldata (PackedSealLib); per-seller totals are one
/// memory word each (SellerTallyLib). Gas figures and the reasoning: docs/adr/0200-settlement-calldata-and-gas.md.
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

        uint256[] memory tallies = new uint256[](sellers.length / PackedSealLib.ENTRY_BYTE_LENGTH);
        BatchContext memory batch;
        batch.batchKey = batchKey;
        batch.pricePerKWh = pricePerKWh;
        batch.sellersOffset = PackedSealLib.entry(sellers, 0);
        batch.leaves = new bytes32[](trades.length / TRADE_BYTE_LENGTH);
        // Trades first (tallies, leaves, buyer debits), then one pass over the seller entries that verifies each
        // seal and pays it: each meter's word is loaded once and stored once. A failed check anywhere reverts all.
        _debitBuyers(batch, trades, tallies);
        batch.feeAmount = _settleSellers(zone, intervalStartS, intervalEndS, sellers, tallies);
        bytes32 root = CertificateLeafLib.root(batch.leaves);
        _certificateRoots[batchKey] = root;
        _feesAccrued += batch.feeAmount.toUint128();
        _emitSettled(zone, intervalStartS, root, sellers, trades, batch);
    }

    /// @dev Checks every seal (signature, registry, sanity, continuity, interval), moves each meter's settled
    /// position past it and pays its seller. Writing the position at once makes a second seal of the same meter in
    /// this batch continue from the first.
    function _settleSellers(
        uint64 zone,
        uint32 intervalStartS,
        uint32 intervalEndS,
        bytes calldata sellers,
        uint256[] memory tallies
    ) private returns (uint256 feeAmount) {
        uint256 feeBps_ = _feeBps;
        uint256 count = tallies.length;
        uint256 records = _meterRecords(sellers, count);
        uint256 bounds = (uint256(zone) << 64) | (uint256(intervalEndS) << 32) | intervalStartS;
        uint256 entry = PackedSealLib.entry(sellers, 0);
        for (uint256 i = 0; i < count;) {
            uint256 tally;
            uint256 record;
            assembly ("memory-safe") {
                tally := mload(add(add(tallies, 0x20), shl(5, i)))
                record := mload(add(records, shl(5, i)))
            }
            feeAmount += _settleSeller(entry, tally, record, bounds, feeBps_);
            unchecked {
                ++i;
                entry += PackedSealLib.ENTRY_BYTE_LENGTH;
            }
        }
    }

    /// @dev One seller entry at calldata position `entry` with its `tally` and its meter's registry `record`:
    /// verify, advance the meter, pay.
    function _settleSeller(uint256 entry, uint256 tally, uint256 record, uint256 bounds, uint256 feeBps_)
        private
        returns (uint256 fee)
    {
        address meter = PackedSealLib.meter(entry);
        address signer = PackedSealLib.signer(entry);
        if (signer != meter) revert SealSignerMismatch(meter, signer);
        uint256 meterSlot = _meterSlot(meter);
        uint256 state;
        assembly ("memory-safe") {
            state := sload(meterSlot)
        }
        uint256 soldWh = SellerTallyLib.soldWh(tally);
        state = _advancedState(entry, state, record, soldWh, bounds);
        assembly ("memory-safe") {
            sstore(meterSlot, state)
        }
        if (soldWh != 0) fee = _paySeller(PackedSealLib.seller(entry), tally, feeBps_);
    }

    /// @dev The meter position word `state` after the seal at `entry` settled and paid `soldWh`, once the rules
    /// hold: the meter registered, active, in the zone and owned by the entry's seller (`record`), the seal a
    /// well-formed interval that continues the last settled one, lies within the settled interval and covers the
    /// sold Wh. All rules are evaluated without branching; when one fails, {_revertSellerEntry} reverts with the
    /// first failing rule's error. `bounds` = zone ‖ intervalEndS ‖ intervalStartS (bits 64–127, 32–63, 0–31).
    function _advancedState(uint256 entry, uint256 state, uint256 record, uint256 soldWh, uint256 bounds)
        private
        view
        returns (uint256 advanced)
    {
        bool broken;
        assembly ("memory-safe") {
            // startS ‖ endS ‖ importStartWh ‖ importEndWh ‖ exportStartWh ‖ exportEndWh: bytes 58–89 of the seal.
            let times := calldataload(add(entry, 78))
            let startS := shr(224, times)
            let endS := and(shr(192, times), 0xffffffff)
            let exportStartWh := and(shr(48, times), 0xffffffffffff)
            let exportEndWh := and(times, 0xffffffffffff)
            let seq := shr(224, calldataload(add(entry, 42)))
            // MeterRecordWordLib: active, zone, owner = the entry's seller.
            broken := or(
                iszero(and(shr(232, record), 0xff)),
                or(
                    xor(and(shr(160, record), 0xffffffffffffffff), shr(64, bounds)),
                    xor(and(record, 0xffffffffffffffffffffffffffffffffffffffff), shr(96, calldataload(entry)))
                )
            )
            // Well-formed and within [intervalStartS, intervalEndS] (so it ended by block.timestamp, as
            // intervalEndS did).
            broken := or(broken, or(iszero(gt(endS, startS)), lt(exportEndWh, exportStartWh)))
            broken := or(broken, or(lt(startS, and(bounds, 0xffffffff)), gt(endS, and(shr(32, bounds), 0xffffffff))))
            // MeterStateWordLib: continues the last settled seal (seq above it once one settled, no overlap, no
            // roll-back) and covers the sold Wh.
            broken := or(
                broken,
                and(iszero(iszero(and(shr(176, state), 0xff))), iszero(gt(seq, and(state, 0xffffffff))))
            )
            broken := or(
                broken,
                or(lt(startS, and(shr(32, state), 0xffffffff)), lt(exportStartWh, and(shr(64, state), 0xffffffffffff)))
            )
            broken := or(broken, gt(soldWh, sub(exportEndWh, exportStartWh)))
            // paidWh never passes 2^48: a meter is paid at most the export its settled seals span, and they do not
            // overlap, so paidWh ≤ lastExportEndWh (the no-energy-paid-twice invariant).
            advanced := or(
                or(add(and(state, 0xffffffffffffffff0000000000000000000000000000), shl(112, soldWh)), seq),
                or(or(shl(32, endS), shl(64, exportEndWh)), shl(176, 1))
            )
        }
        if (broken) _revertSellerEntry(entry, state, record, soldWh, bounds);
    }

    /// @dev Reverts with the error of the first rule the seller entry breaks ({_advancedState}), in rule order.
    function _revertSellerEntry(uint256 entry, uint256 state, uint256 record, uint256 soldWh, uint256 bounds)
        private
        view
    {
        address meter = PackedSealLib.meter(entry);
        _checkRegistration(meter, uint64(bounds >> 64), PackedSealLib.seller(entry), record);
        _checkContinuity(meter, entry, state, uint32(bounds), uint32(bounds >> 32));
        _checkSoldWithinSeal(meter, entry, soldWh);
        assert(false); // unreachable: the rules above are the ones _advancedState evaluates
    }

    /// @dev A seller is paid at most the export its seal vouches for.
    function _checkSoldWithinSeal(address meter, uint256 entry, uint256 soldWh) private pure {
        uint256 sealedExportWh;
        unchecked {
            // exportEndWh ≥ exportStartWh was checked with the seal.
            sealedExportWh = PackedSealLib.exportEndWh(entry) - PackedSealLib.exportStartWh(entry);
        }
        if (soldWh > sealedExportWh) revert SoldMoreThanSealed(meter, soldWh, sealedExportWh);
    }

    /// @dev Credits `seller` with its `tally` (SellerTallyLib layout): the gross amount minus the fee (rounded down,
    /// in the seller's favour) to its balance, the Wh to its soldWh (AccountWordLib layout); returns the fee. A field
    /// that would overflow is reported by {AccountWordLib-credited}.
    function _paySeller(address seller, uint256 tally, uint256 feeBps_) private returns (uint256 fee) {
        bool overflows;
        assembly ("memory-safe") {
            // grossAmount < 2^192 (SellerTallyLib) and feeBps_ ≤ 300: no overflow; fee ≤ grossAmount.
            let grossAmount := and(tally, 0xffffffffffffffffffffffffffffffffffffffffffffffff)
            fee := div(mul(grossAmount, feeBps_), BPS)
            mstore(0x00, seller)
            mstore(0x20, _accountWords.slot)
            let slot := keccak256(0x00, 0x40)
            let word := sload(slot)
            let newBalance := add(and(word, 0xffffffffffffffffffffffffffffffff), sub(grossAmount, fee))
            let soldWh := add(and(shr(128, word), 0xffffffffffffffff), shr(192, tally))
            overflows := or(gt(newBalance, 0xffffffffffffffffffffffffffffffff), gt(soldWh, 0xffffffffffffffff))
            if iszero(overflows) {
                sstore(
                    slot,
                    or(
                        and(word, not(0xffffffffffffffffffffffffffffffffffffffffffffffff)),
                        or(shl(128, soldWh), newBalance)
                    )
                )
            }
        }
        if (overflows) {
            AccountWordLib.credited(
                _accountWords[seller], SellerTallyLib.grossAmount(tally) - fee, SellerTallyLib.soldWh(tally)
            );
            assert(false); // unreachable: credited refuses what overflows
        }
    }

    /// @dev The seal at calldata position `entry` is a well-formed interval that continues `meter`'s last settled
    /// one (position word `state`) and lies within the settled interval.
    function _checkContinuity(address meter, uint256 entry, uint256 state, uint32 intervalStartS, uint32 intervalEndS)
        private
        view
    {
        uint32 startS = PackedSealLib.startS(entry);
        uint32 endS = PackedSealLib.endS(entry);
        uint48 exportStartWh = PackedSealLib.exportStartWh(entry);
        if (endS <= startS || endS > block.timestamp || PackedSealLib.exportEndWh(entry) < exportStartWh) {
            revert SealIntervalInvalid(meter, startS, endS);
        }
        if (MeterStateWordLib.hasSettled(state)) {
            uint32 seq = PackedSealLib.seq(entry);
            uint32 lastSeq = MeterStateWordLib.lastSeq(state);
            if (seq <= lastSeq) revert SealReplayed(meter, seq, lastSeq);
            uint32 lastEndS = MeterStateWordLib.lastEndS(state);
            if (startS < lastEndS) revert SealOverlapsSettled(meter, startS, lastEndS);
            uint48 lastExportEndWh = MeterStateWordLib.lastExportEndWh(state);
            if (exportStartWh < lastExportEndWh) revert ExportCounterRolledBack(meter, exportStartWh, lastExportEndWh);
        }
        if (startS < intervalStartS || endS > intervalEndS) {
            revert SealOutsideInterval(meter, startS, endS, intervalStartS, intervalEndS);
        }
    }

    /// @dev The meter is registered, active, in `zone` and owned by `seller` (`record`: its registry word).
    function _checkRegistration(address meter, uint64 zone, address seller, uint256 record) private pure {
        if (!MeterRecordWordLib.isActive(record)) revert MeterNotActive(meter);
        uint64 registeredZone = MeterRecordWordLib.zone(record);
        if (registeredZone != zone) revert MeterWrongZone(meter, zone, registeredZone);
        address owner = MeterRecordWordLib.owner(record);
        if (owner != seller) revert MeterNotOwnedBySeller(meter, seller, owner);
    }

    /// @dev The registry records of every seller entry's meter, read with one call ({IMeterRegistry-meterRecordWords},
    /// encoded and decoded here without copies); returns the memory position of the first record word.
    function _meterRecords(bytes calldata sellers, uint256 count) private view returns (uint256 records) {
        address registry_ = address(registry);
        bytes4 selector = IMeterRegistry.meterRecordWords.selector;
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, selector)
            mstore(add(input, 0x04), 0x20)
            mstore(add(input, 0x24), count)
            let meter := add(input, 0x44)
            let entry := add(sellers.offset, 22) // PackedSealLib.meter
            for { let end := add(meter, shl(5, count)) } lt(meter, end) { meter := add(meter, 0x20) } {
                mstore(meter, shr(96, calldataload(entry)))
                entry := add(entry, 177) // PackedSealLib.ENTRY_BYTE_LENGTH
            }
            // The answer (0x20 ‖ count ‖ words) overwrites the input.
            let size := add(0x40, shl(5, count))
            if iszero(
                and(eq(returndatasize(), size), staticcall(gas(), registry_, input, add(size, 0x04), input, size))
            ) {
                revert(0, 0)
            }
            records := add(input, 0x40)
            mstore(0x40, add(input, size))
        }
    }

    /// @dev One pass over the trades, run by run (a run: consecutive trades of one buyer; the relay groups trades by
    /// buyer). Each trade is decoded, added to its seller's tally (SellerTallyLib layout) and hashed into its
    /// certificate leaf ({CertificateLeafLib-hash}) in a preimage buffer whose batch key is written once and whose
    /// buyer is written once per run; each run is debited from its buyer with one ledger write (AccountWordLib
    /// layout). A broken rule ends the pass and is reported by the Solidity rule itself ({_revertTrade}, {_debit}).
    function _debitBuyers(BatchContext memory batch, bytes calldata trades, uint256[] memory tallies) private {
        uint256 failure; // 1: the trade at `position`; 2: the debit of `buyer`'s run `runTally`
        uint256 position;
        address buyer;
        uint256 runTally;
        uint256 batchTally;
        uint256 buffer;
        {
            bytes32 batchKey = batch.batchKey;
            assembly ("memory-safe") {
                // Leaf preimage: batchKey ‖ buyer ‖ meter ‖ energyWh ‖ generationStartS ‖ generationEndS.
                buffer := mload(0x40)
                mstore(0x40, add(buffer, 0xc0))
                mstore(buffer, batchKey)
            }
        }
        uint256 pricePerKWh = batch.pricePerKWh;
        uint256 sellersOffset = batch.sellersOffset;
        bytes32[] memory leaves = batch.leaves;
        assembly ("memory-safe") {
            let leaf := add(leaves, 0x20)
            position := trades.offset
            let end := add(position, trades.length)
            for {} lt(position, end) {} {
                buyer := shr(96, calldataload(position))
                mstore(add(buffer, 0x20), buyer)
                runTally := 0
                for {} lt(position, end) { position := add(position, TRADE_BYTE_LENGTH) } {
                    // buyer 20 ‖ seller index u16 ‖ energyWh u32
                    let word := calldataload(position)
                    if xor(shr(96, word), buyer) { break }
                    let sellerIndex := and(shr(80, word), 0xffff)
                    word := and(shr(48, word), 0xffffffff) // energyWh
                    if or(iszero(word), iszero(lt(sellerIndex, mload(tallies)))) {
                        failure := 1
                        break
                    }
                    mstore(add(buffer, 0x60), word)
                    // energyWh < 2^32 and pricePerKWh < 2^96: the amount fits SellerTallyLib's 192 bits.
                    word := or(shl(192, word), div(mul(word, pricePerKWh), WH_PER_KWH)) // the trade's tally
                    runTally := add(runTally, word)
                    let tally := add(add(tallies, 0x20), shl(5, sellerIndex))
                    mstore(tally, add(mload(tally), word))
                    let entry := add(sellersOffset, mul(sellerIndex, 177)) // PackedSealLib.ENTRY_BYTE_LENGTH
                    mstore(add(buffer, 0x40), shr(96, calldataload(add(entry, 22)))) // PackedSealLib.meter
                    word := calldataload(add(entry, 78)) // PackedSealLib.startS ‖ endS ‖ …
                    mstore(add(buffer, 0x80), shr(224, word))
                    mstore(add(buffer, 0xa0), and(shr(192, word), 0xffffffff))
                    mstore(leaf, keccak256(buffer, 0xc0))
                    leaf := add(leaf, 0x20)
                }
                if failure { break }
                // The run's debit ({_debit}): balance bits 0–127 cover the amount, boughtWh bits 192–255 grow.
                mstore(0x00, buyer)
                mstore(0x20, _accountWords.slot)
                let slot := keccak256(0x00, 0x40)
                let account := sload(slot)
                let amount := and(runTally, 0xffffffffffffffffffffffffffffffffffffffffffffffff)
                let boughtWh := add(shr(192, account), shr(192, runTally))
                if or(lt(and(account, 0xffffffffffffffffffffffffffffffff), amount), gt(boughtWh, 0xffffffffffffffff)) {
                    failure := 2
                    break
                }
                sstore(
                    slot,
                    or(
                        sub(and(account, 0xffffffffffffffffffffffffffffffffffffffffffffffff), amount),
                        shl(192, boughtWh)
                    )
                )
                batchTally := add(batchTally, runTally)
            }
        }
        if (failure == 1) _revertTrade(trades, position, tallies.length);
        if (failure == 2) {
            _debit(buyer, runTally);
            assert(false); // unreachable: _debit refuses what the inline debit refused
        }
        batch.energyWh = SellerTallyLib.soldWh(batchTally);
        batch.grossAmount = SellerTallyLib.grossAmount(batchTally);
    }

    /// @dev Reverts with the rule the trade at calldata position `position` breaks: its seller index is in range,
    /// its energy not zero.
    function _revertTrade(bytes calldata trades, uint256 position, uint256 sellerCount) private pure {
        uint256 word;
        uint256 index;
        assembly ("memory-safe") {
            word := calldataload(position)
            index := div(sub(position, trades.offset), TRADE_BYTE_LENGTH)
        }
        uint256 sellerIndex = (word >> 80) & 0xffff;
        if (sellerIndex >= sellerCount) revert SellerIndexOutOfRange(sellerIndex, sellerCount);
        if ((word >> 48) & 0xffffffff == 0) revert TradeEnergyZero(index);
        assert(false); // unreachable: the rules above are the ones _debitBuyers evaluates
    }

    /// @dev Debits `buyer` with the run of trades totalled in `runTally` (SellerTallyLib layout): what _debitBuyers
    /// does inline, here to report the rule a failed debit breaks.
    function _debit(address buyer, uint256 runTally) private {
        uint256 amount = SellerTallyLib.grossAmount(runTally);
        uint256 slot = _accountSlot(buyer);
        uint256 word;
        assembly ("memory-safe") {
            word := sload(slot)
        }
        uint256 balance = AccountWordLib.balance(word);
        if (balance < amount) revert InsufficientDeposit(buyer, amount, balance);
        word = AccountWordLib.debited(word, amount, SellerTallyLib.soldWh(runTally));
        assembly ("memory-safe") {
            sstore(slot, word)
        }
    }

    /// @dev The storage slot of `_meterWords[meter]` (Solidity's mapping layout): one hash for its load and store.
    function _meterSlot(address meter) private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            mstore(0x00, meter)
            mstore(0x20, _meterWords.slot)
            slot := keccak256(0x00, 0x40)
        }
    }

    /// @dev The storage slot of `_accountWords[account]` (Solidity's mapping layout), so settlement loads and
    /// stores an entry with one hash.
    function _accountSlot(address account) private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            mstore(0x00, account)
            mstore(0x20, _accountWords.slot)
            slot := keccak256(0x00, 0x40)
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

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
/// memory word each (SellerTallyLib). Gas figures and the reasoning: docs/adr/0200-settlement-calldata-and-gas.md;
/// zone trees, grid fees and seals paid in two batches: docs/adr/0204-zone-tree-settlement.md.
contract TradingMarketplace is ITradingMarketplace, AccessManaged, Pausable {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Hard cap on the trading fee: 3 % of each trade's amount.
    uint16 public constant MAX_FEE_BPS = 300;
    uint256 private constant BPS = 10_000;
    uint256 private constant WH_PER_KWH = 1000;
    uint256 private constant TRADE_BYTE_LENGTH = 26;
    /// @dev 2^14 seller entries, as many as a trade's 14-bit seller index addresses.
    uint256 private constant MAX_SELLERS_BYTE_LENGTH = (1 << 14) * 177;
    /// @dev A grid fee table ({_gridFeeTables}): one 48-bit lane per level (a fee per kWh summed over at most three
    /// uint32 levels fits 34 bits), the lanes in bits 0–191, a batch-wide value in bits 192 and up.
    uint256 private constant LANE_MASK = 0xffffffffffff;

    IERC20 public immutable settlementToken;
    IMeterRegistry public immutable registry;

    /// @dev {Account} packed by AccountWordLib.
    mapping(address account => uint256) private _accountWords;
    /// @dev {MeterState} packed by MeterStateWordLib.
    mapping(address meter => uint256) private _meterWords;
    mapping(bytes32 batchKey => bytes32) private _certificateRoots;
    /// @dev One slot, read once per batch: _feesAccrued bits 0–127 ‖ _feeBps 128–143 ‖ grid fees per kWh of the
    /// house level 144–175, the feeder level 176–207, the substation level 208–239.
    uint128 private _feesAccrued;
    uint16 private _feeBps;
    uint32 private _houseGridFeePerKWh;
    uint32 private _feederGridFeePerKWh;
    uint32 private _substationGridFeePerKWh;
    address private _feeSink;
    address private _gridOperator;

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
        /// The batch zone's level (docs/contracts.md §"Zone ids").
        uint256 zoneLevel;
        /// feeBps in bits 192–207, above the sellers' grid fee per kWh by meter zone level ({_gridFeeTables}).
        uint256 sellerFees;
        /// The buyers' grid fee per kWh by climb and the climb limit ({_gridFeeTables}).
        uint256 buyerFees;
        /// Grid fees charged to buyers and sellers.
        uint256 gridFeeAmount;
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
        // A trade's seller index has 14 bits.
        if (sellers.length % PackedSealLib.ENTRY_BYTE_LENGTH != 0 || sellers.length > MAX_SELLERS_BYTE_LENGTH) {
            revert SellersCalldataMalformed(sellers.length);
        }
        if (trades.length % TRADE_BYTE_LENGTH != 0) revert TradesCalldataMalformed(trades.length);
        if (sellers.length == 0 || trades.length == 0) revert BatchEmpty();

        uint256[] memory tallies = new uint256[](sellers.length / PackedSealLib.ENTRY_BYTE_LENGTH);
        BatchContext memory batch;
        batch.batchKey = batchKey;
        batch.pricePerKWh = pricePerKWh;
        batch.sellersOffset = PackedSealLib.entry(sellers, 0);
        batch.leaves = new bytes32[](trades.length / TRADE_BYTE_LENGTH);
        batch.zoneLevel = _zoneLevel(zone);
        {
            uint256 feeWord;
            assembly ("memory-safe") {
                feeWord := sload(_feesAccrued.slot)
            }
            (batch.sellerFees, batch.buyerFees) = _gridFeeTables(batch.zoneLevel, feeWord);
        }
        // Trades first (tallies, leaves, buyer debits), then one pass over the seller entries that verifies each
        // seal and pays it: each meter's word is loaded once and stored once. A failed check anywhere reverts all.
        _debitBuyers(batch, trades, tallies);
        // Zone mask ‖ zone ‖ intervalEndS ‖ intervalStartS, for {_advancedState}.
        uint256 bounds = (_zoneMask(batch.zoneLevel) << 128) | (uint256(zone) << 64) | (uint256(intervalEndS) << 32)
            | intervalStartS;
        _settleSellers(batch, bounds, tallies);
        bytes32 root = CertificateLeafLib.root(batch.leaves);
        _certificateRoots[batchKey] = root;
        _feesAccrued += batch.feeAmount.toUint128();
        _emitSettled(zone, intervalStartS, root, sellers, trades, batch);
        if (batch.gridFeeAmount != 0) _chargeGridFees(batchKey, batch.gridFeeAmount);
    }

    /// @dev The level of zone id `zone`: the index of its lowest non-zero 16-bit group; zone 0 has level 0.
    function _zoneLevel(uint64 zone) private pure returns (uint256 level) {
        if (zone == 0) return 0;
        while ((zone >> (16 * level)) & 0xffff == 0) {
            ++level;
        }
    }

    /// @dev The bits of a zone id of level `level` that every zone within it shares: its groups from `level` up.
    function _zoneMask(uint256 level) private pure returns (uint256) {
        return type(uint64).max & ~((uint256(1) << (16 * level)) - 1);
    }

    /// @dev The grid fees per kWh a batch of zone level `level` charges, from the fee slot word `feeWord`. Climbing
    /// from level a into level b enters levels a + 1 … b and costs prefix(b) − prefix(a), prefix(L) being the fees
    /// of levels 1 … L. `sellerFees`: lane m = the fee of a seller whose meter zone has level m (≤ level), feeBps in
    /// bits 192–207. `buyerFees`: lane c = the fee of a buyer that climbed c levels, max(level, 1) (the bound on c) in
    /// bits 192 and up. In a level-0 batch, or with no fees set, every lane is zero.
    function _gridFeeTables(uint256 level, uint256 feeWord)
        private
        pure
        returns (uint256 sellerFees, uint256 buyerFees)
    {
        uint256[4] memory prefix;
        prefix[1] = uint32(feeWord >> 144);
        prefix[2] = prefix[1] + uint32(feeWord >> 176);
        prefix[3] = prefix[2] + uint32(feeWord >> 208);
        sellerFees = ((feeWord >> 128) & 0xffff) << 192;
        buyerFees = (level == 0 ? 1 : level) << 192;
        for (uint256 m = 0; m < level; ++m) {
            sellerFees |= (prefix[level] - prefix[m]) << (48 * m);
        }
        for (uint256 c = 1; c < level; ++c) {
            buyerFees |= (prefix[level] - prefix[level - c]) << (48 * c);
        }
    }

    /// @dev Credits the batch's grid fees to the grid operator's ledger entry.
    function _chargeGridFees(bytes32 batchKey, uint256 amount) private {
        address operator = _gridOperator;
        if (operator == address(0)) revert GridOperatorUnset();
        _accountWords[operator] = AccountWordLib.credited(_accountWords[operator], amount, 0);
        emit GridFeesCharged(batchKey, operator, amount);
    }

    /// @dev Checks every seal (signature, registry, sanity, continuity, interval), moves each meter's settled
    /// position past it and pays its seller; adds the platform fees and the sellers' grid fees to `batch`. Writing
    /// the position at once makes a second seal of the same meter in this batch continue from the first (or, for the
    /// same seal, pay on from it).
    function _settleSellers(BatchContext memory batch, uint256 bounds, uint256[] memory tallies) private {
        uint256 fees = batch.sellerFees;
        uint256 entry = batch.sellersOffset;
        uint256 records = _meterRecords(entry, tallies.length);
        uint256 feeAmount;
        uint256 gridFeeAmount;
        for (uint256 i = 0; i < tallies.length;) {
            uint256 tally;
            uint256 record;
            assembly ("memory-safe") {
                tally := mload(add(add(tallies, 0x20), shl(5, i)))
                record := mload(add(records, shl(5, i)))
            }
            (uint256 fee, uint256 gridFee) = _settleSeller(entry, tally, record, bounds, fees);
            unchecked {
                // Each below the batch's gross amount, which is below 2^192 (SellerTallyLib).
                feeAmount += fee;
                gridFeeAmount += gridFee;
                ++i;
                entry += PackedSealLib.ENTRY_BYTE_LENGTH;
            }
        }
        batch.feeAmount = feeAmount;
        batch.gridFeeAmount += gridFeeAmount;
    }

    /// @dev One seller entry at calldata position `entry` with its `tally` and its meter's registry `record`:
    /// verify, advance the meter, pay. `fees`: the batch's sellerFees ({_gridFeeTables}).
    function _settleSeller(uint256 entry, uint256 tally, uint256 record, uint256 bounds, uint256 fees)
        private
        returns (uint256 fee, uint256 gridFee)
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
        if (soldWh != 0) (fee, gridFee) = _paySeller(PackedSealLib.seller(entry), tally, record, fees);
    }

    /// @dev The meter position word `state` after the seal at `entry` settled and paid `soldWh`, once the rules
    /// hold: the meter registered, active, within the zone and owned by the entry's seller (`record`), the seal a
    /// well-formed interval that continues the last settled one (or is that seal again), lies within the settled
    /// interval and covers the sold Wh (with what that seal was paid before). All rules are evaluated without
    /// branching; when one fails, {_revertSellerEntry} reverts with the first failing rule's error. `bounds` = zone
    /// mask ‖ zone ‖ intervalEndS ‖ intervalStartS (bits 128–191, 64–127, 32–63, 0–31).
    function _advancedState(uint256 entry, uint256 state, uint256 record, uint256 soldWh, uint256 bounds)
        private
        view
        returns (uint256 advanced)
    {
        bool broken;
        assembly ("memory-safe") {
            let seq := shr(224, calldataload(add(entry, 42)))
            // MeterRecordWordLib: active, zone within the batch zone (meter zone & mask == zone, i.e. (meter zone ^
            // zone) & mask == 0: the zone has no bits outside its mask), owner = the entry's seller.
            broken := or(
                iszero(and(shr(232, record), 0xff)),
                or(
                    and(xor(shr(160, record), shr(64, bounds)), shr(128, bounds)),
                    xor(and(record, 0xffffffffffffffffffffffffffffffffffffffff), shr(96, calldataload(entry)))
                )
            )
            // startS ‖ endS ‖ importStartWh ‖ importEndWh ‖ exportStartWh ‖ exportEndWh: bytes 58–89 of the seal.
            let times := calldataload(add(entry, 78))
            let startS := shr(224, times)
            let endS := and(shr(192, times), 0xffffffff)
            let exportStartWh := and(shr(48, times), 0xffffffffffff)
            let exportEndWh := and(times, 0xffffffffffff)
            // Well-formed and within [intervalStartS, intervalEndS] (so it ended by block.timestamp, as
            // intervalEndS did).
            broken := or(broken, or(iszero(gt(endS, startS)), lt(exportEndWh, exportStartWh)))
            broken := or(broken, or(lt(startS, and(bounds, 0xffffffff)), gt(endS, and(shr(32, bounds), 0xffffffff))))
            // MeterStateWordLib (hasSettled is written as 0 or 1): once a seal settled, the same seq again is that
            // seal, paid on in another batch; a lower one is a replay.
            let same := and(shr(176, state), 1)
            {
                let lastSeq := and(state, 0xffffffff)
                broken := or(broken, and(same, lt(seq, lastSeq)))
                same := and(same, eq(seq, lastSeq))
            }
            {
                let lastEndS := and(shr(32, state), 0xffffffff)
                let lastExportEndWh := and(shr(64, state), 0xffffffffffff)
                // The same seal ends where the settled one ended, on the same export register end (the flag is
                // non-zero when it does not); a new one starts at or after that end (no overlap, no roll-back).
                // Before the first seal both are 0.
                broken := or(
                    broken,
                    or(
                        mul(same, or(xor(endS, lastEndS), xor(exportEndWh, lastExportEndWh))),
                        and(iszero(same), or(lt(startS, lastEndS), lt(exportStartWh, lastExportEndWh)))
                    )
                )
            }
            // What the seal is paid in all (bits 232–255 of the word are zero) stays within its export.
            let sealPaidWh := add(soldWh, mul(same, shr(184, state)))
            broken := or(broken, gt(sealPaidWh, sub(exportEndWh, exportStartWh)))
            // paidWh never passes 2^48: a meter is paid at most the export its settled seals span, each seal at
            // most once over, and they do not overlap, so paidWh ≤ lastExportEndWh (the no-energy-paid-twice
            // invariant).
            advanced := or(
                or(add(and(state, 0xffffffffffffffff0000000000000000000000000000), shl(112, soldWh)), seq),
                or(or(shl(32, endS), shl(64, exportEndWh)), or(shl(176, 1), shl(184, sealPaidWh)))
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
        _checkSoldWithinSeal(meter, entry, state, soldWh);
        assert(false); // unreachable: the rules above are the ones _advancedState evaluates
    }

    /// @dev A seller is paid at most the export its seal vouches for, less what that same seal was paid before.
    function _checkSoldWithinSeal(address meter, uint256 entry, uint256 state, uint256 soldWh) private pure {
        uint256 sealedExportWh;
        unchecked {
            // exportEndWh ≥ exportStartWh was checked with the seal.
            sealedExportWh = PackedSealLib.exportEndWh(entry) - PackedSealLib.exportStartWh(entry);
        }
        uint256 paidBeforeWh = _isSettledSeal(entry, state) ? MeterStateWordLib.lastSealPaidWh(state) : 0;
        if (paidBeforeWh + soldWh > sealedExportWh) {
            uint256 remainingWh = sealedExportWh > paidBeforeWh ? sealedExportWh - paidBeforeWh : 0;
            revert SoldMoreThanSealed(meter, soldWh, remainingWh);
        }
    }

    /// @dev Whether the seal at `entry` repeats the last settled seq of its meter (position word `state`).
    function _isSettledSeal(uint256 entry, uint256 state) private pure returns (bool) {
        return MeterStateWordLib.hasSettled(state) && PackedSealLib.seq(entry) == MeterStateWordLib.lastSeq(state);
    }

    /// @dev Credits `seller` with its `tally` (SellerTallyLib layout): the gross amount minus the platform fee
    /// (rounded down, in the seller's favour) and minus its grid fee to its balance, the Wh to its soldWh
    /// (AccountWordLib layout); returns both fees. The grid fee is soldWh × the fee per kWh of the levels its meter's
    /// zone (`record`) climbed to the batch zone (lane of `fees`, {_gridFeeTables}) / 1000, rounded down, and at
    /// most what the seller is credited otherwise. A field that would overflow is reported by
    /// {AccountWordLib-credited}.
    function _paySeller(address seller, uint256 tally, uint256 record, uint256 fees)
        private
        returns (uint256 fee, uint256 gridFee)
    {
        bool overflows;
        assembly ("memory-safe") {
            // grossAmount < 2^192 (SellerTallyLib) and feeBps ≤ 300: no overflow; fee ≤ grossAmount.
            let grossAmount := and(tally, 0xffffffffffffffffffffffffffffffffffffffffffffffff)
            fee := div(mul(grossAmount, shr(192, fees)), BPS)
            let netAmount := sub(grossAmount, fee)
            if and(fees, 0xffffffffffffffffffffffffffffffffffffffffffffffff) {
                // The meter zone's level: how many of its low 16, 32, 48 bits are zero (it is not zero: it lies
                // within a batch zone of level ≥ 1).
                let meterZone := shr(160, record)
                let level :=
                    add(
                        add(iszero(and(meterZone, 0xffff)), iszero(and(meterZone, 0xffffffff))),
                        iszero(and(meterZone, 0xffffffffffff))
                    )
                // soldWh < 2^64 and the fee per kWh < 2^48: no overflow.
                gridFee := div(mul(shr(192, tally), and(shr(mul(48, level), fees), LANE_MASK)), WH_PER_KWH)
                if gt(gridFee, netAmount) { gridFee := netAmount }
                netAmount := sub(netAmount, gridFee)
            }
            mstore(0x00, seller)
            mstore(0x20, _accountWords.slot)
            let slot := keccak256(0x00, 0x40)
            let word := sload(slot)
            let newBalance := add(and(word, 0xffffffffffffffffffffffffffffffff), netAmount)
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
                _accountWords[seller], SellerTallyLib.grossAmount(tally) - fee - gridFee, SellerTallyLib.soldWh(tally)
            );
            assert(false); // unreachable: credited refuses what overflows
        }
    }

    /// @dev The seal at calldata position `entry` is a well-formed interval that continues `meter`'s last settled
    /// one (position word `state`), or is that seal again, and lies within the settled interval.
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
            if (seq < lastSeq) revert SealReplayed(meter, seq, lastSeq);
            uint32 lastEndS = MeterStateWordLib.lastEndS(state);
            uint48 lastExportEndWh = MeterStateWordLib.lastExportEndWh(state);
            if (seq == lastSeq) {
                // The seal settled last, paid on in another batch of its interval: it must be that very seal.
                if (endS != lastEndS || PackedSealLib.exportEndWh(entry) != lastExportEndWh) {
                    revert SealConflictsWithSettled(meter, seq);
                }
            } else {
                if (startS < lastEndS) revert SealOverlapsSettled(meter, startS, lastEndS);
                if (exportStartWh < lastExportEndWh) {
                    revert ExportCounterRolledBack(meter, exportStartWh, lastExportEndWh);
                }
            }
        }
        if (startS < intervalStartS || endS > intervalEndS) {
            revert SealOutsideInterval(meter, startS, endS, intervalStartS, intervalEndS);
        }
    }

    /// @dev The meter is registered, active, within `zone` (its zone is `zone` or a zone below it) and owned by
    /// `seller` (`record`: its registry word).
    function _checkRegistration(address meter, uint64 zone, address seller, uint256 record) private pure {
        if (!MeterRecordWordLib.isActive(record)) revert MeterNotActive(meter);
        uint64 registeredZone = MeterRecordWordLib.zone(record);
        if (registeredZone & _zoneMask(_zoneLevel(zone)) != zone) {
            revert MeterWrongZone(meter, zone, registeredZone);
        }
        address owner = MeterRecordWordLib.owner(record);
        if (owner != seller) revert MeterNotOwnedBySeller(meter, seller, owner);
    }

    /// @dev The registry records of every seller entry's meter, read with one call ({IMeterRegistry-meterRecordWords},
    /// encoded and decoded here without copies); returns the memory position of the first record word. `sellersOffset`:
    /// the absolute calldata position of the first of the `count` seller entries.
    function _meterRecords(uint256 sellersOffset, uint256 count) private view returns (uint256 records) {
        address registry_ = address(registry);
        bytes4 selector = IMeterRegistry.meterRecordWords.selector;
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, selector)
            mstore(add(input, 0x04), 0x20)
            mstore(add(input, 0x24), count)
            let meter := add(input, 0x44)
            let entry := add(sellersOffset, 22) // PackedSealLib.meter
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
    /// buyer is written once per run; each run, with the grid fees of its trades, is debited from its buyer with one
    /// ledger write (AccountWordLib layout). A broken rule ends the pass and is reported by the Solidity rule itself
    /// ({_revertTrade}, {_debit}).
    function _debitBuyers(BatchContext memory batch, bytes calldata trades, uint256[] memory tallies) private {
        uint256 failure; // 1: the trade at `position`; 2: the debit of `buyer`'s run `runTally`
        uint256 position;
        address buyer;
        uint256 runTally; // SellerTallyLib layout, the amount with the buyer's grid fees
        uint256 batchTally;
        {
            uint256 buffer;
            {
                bytes32 batchKey = batch.batchKey;
                assembly ("memory-safe") {
                    // Leaf preimage: batchKey ‖ buyer ‖ meter ‖ energyWh ‖ generationStartS ‖ generationEndS; then
                    // the buyers' grid fees.
                    buffer := mload(0x40)
                    mstore(0x40, add(buffer, 0xe0))
                    mstore(buffer, batchKey)
                    mstore(add(buffer, 0xc0), 0)
                }
            }
            uint256 pricePerKWh = batch.pricePerKWh;
            uint256 sellersOffset = batch.sellersOffset;
            uint256 buyerFees = batch.buyerFees;
            uint256 leaf;
            {
                bytes32[] memory leaves = batch.leaves;
                assembly ("memory-safe") {
                    leaf := add(leaves, 0x20)
                }
            }
            assembly ("memory-safe") {
                position := trades.offset
                let end := add(position, trades.length)
                for {} lt(position, end) {} {
                    buyer := shr(96, calldataload(position))
                    mstore(add(buffer, 0x20), buyer)
                    runTally := 0
                    for {} lt(position, end) { position := add(position, TRADE_BYTE_LENGTH) } {
                        // buyer 20 ‖ buyer climb u2 ‖ seller index u14 ‖ energyWh u32
                        let word := calldataload(position)
                        if xor(shr(96, word), buyer) { break }
                        let sellerIndex := and(shr(80, word), 0xffff) // with the buyer climb in bits 14–15
                        word := and(shr(48, word), 0xffffffff) // energyWh
                        // At most 2^14 seller entries: a field at or past their count states a climb, or is out of
                        // range.
                        if iszero(lt(sellerIndex, mload(tallies))) {
                            if or(
                                iszero(lt(shr(14, sellerIndex), shr(192, buyerFees))),
                                iszero(lt(and(sellerIndex, 0x3fff), mload(tallies)))
                            ) {
                                failure := 1
                                break
                            }
                            // The buyer's grid fee, debited with the run: energyWh × the fee per kWh of the levels it
                            // climbed (< 2^48) / 1000.
                            let gridFee :=
                                div(
                                    mul(word, and(shr(mul(48, shr(14, sellerIndex)), buyerFees), LANE_MASK)),
                                    WH_PER_KWH
                                )
                            runTally := add(runTally, gridFee)
                            mstore(add(buffer, 0xc0), add(mload(add(buffer, 0xc0)), gridFee))
                            sellerIndex := and(sellerIndex, 0x3fff)
                        }
                        if iszero(word) {
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
                    if or(
                        lt(and(account, 0xffffffffffffffffffffffffffffffff), amount),
                        gt(boughtWh, 0xffffffffffffffff)
                    ) {
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
            uint256 gridFeeAmount;
            assembly ("memory-safe") {
                gridFeeAmount := mload(add(buffer, 0xc0))
            }
            batch.gridFeeAmount = gridFeeAmount;
        }
        if (failure == 1) _revertTrade(trades, position, tallies.length, batch.zoneLevel);
        if (failure == 2) {
            _debit(buyer, runTally);
            assert(false); // unreachable: _debit refuses what the inline debit refused
        }
        batch.energyWh = SellerTallyLib.soldWh(batchTally);
        // The runs' debits less the buyers' grid fees: the trades' amounts.
        batch.grossAmount = SellerTallyLib.grossAmount(batchTally) - batch.gridFeeAmount;
    }

    /// @dev Reverts with the rule the trade at calldata position `position` breaks: its seller index is in range,
    /// its energy not zero, its buyer climb 0 or below the batch zone's level `zoneLevel` (a buyer that climbed c
    /// levels came from level zoneLevel − c ≥ 1).
    function _revertTrade(bytes calldata trades, uint256 position, uint256 sellerCount, uint256 zoneLevel)
        private
        pure
    {
        uint256 word;
        uint256 index;
        assembly ("memory-safe") {
            word := calldataload(position)
            index := div(sub(position, trades.offset), TRADE_BYTE_LENGTH)
        }
        uint256 sellerIndex = (word >> 80) & 0x3fff;
        if (sellerIndex >= sellerCount) revert SellerIndexOutOfRange(sellerIndex, sellerCount);
        if ((word >> 48) & 0xffffffff == 0) revert TradeEnergyZero(index);
        uint256 climb = (word >> 94) & 3;
        if (climb != 0 && climb >= zoneLevel) revert BuyerClimbInvalid(index, climb, zoneLevel);
        assert(false); // unreachable: the rules above are the ones _debitBuyers evaluates
    }

    /// @dev Debits `buyer` with the run of trades totalled in `runTally` (SellerTallyLib layout, the amount with the
    /// buyer's grid fees): what _debitBuyers does inline, here to report the rule a failed debit breaks.
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
    function setGridFees(uint32 houseFeePerKWh, uint32 feederFeePerKWh, uint32 substationFeePerKWh)
        external
        restricted
    {
        _houseGridFeePerKWh = houseFeePerKWh;
        _feederGridFeePerKWh = feederFeePerKWh;
        _substationGridFeePerKWh = substationFeePerKWh;
        emit GridFeesSet(houseFeePerKWh, feederFeePerKWh, substationFeePerKWh);
    }

    /// @inheritdoc ITradingMarketplace
    function setGridOperator(address gridOperator_) external restricted {
        _gridOperator = gridOperator_;
        emit GridOperatorSet(gridOperator_);
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

    function gridFees() external view returns (uint32 house, uint32 feeder, uint32 substation) {
        return (_houseGridFeePerKWh, _feederGridFeePerKWh, _substationGridFeePerKWh);
    }

    function gridOperator() external view returns (address) {
        return _gridOperator;
    }
}

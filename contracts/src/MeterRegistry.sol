// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IMeterRegistry, MeterDetails, MeterRecord, Technology} from "./interfaces/IMeterRegistry.sol";

/// @title MeterRegistry
/// @notice See {IMeterRegistry}. Registration and deactivation are `restricted` (the operator role in the
/// AccessManager); the owner alone hands a meter over.
contract MeterRegistry is IMeterRegistry, AccessManaged {
    mapping(address meter => MeterRecord) private _records;
    mapping(address meter => MeterDetails) private _details;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IMeterRegistry
    function registerMeter(
        address meter,
        address owner,
        uint64 zone,
        Technology technology,
        uint32 nameplateW,
        uint32 commissionedAtS
    ) external restricted {
        if (meter == address(0) || owner == address(0)) revert ZeroAddress();
        if (_records[meter].owner != address(0)) revert MeterAlreadyRegistered(meter);
        if (nameplateW == 0) revert NameplateZero(meter);
        _records[meter] = MeterRecord({owner: owner, zone: zone, technology: technology, isActive: true});
        _details[meter] = MeterDetails({nameplateW: nameplateW, commissionedAtS: commissionedAtS});
        emit MeterRegistered(meter, owner, zone, technology, nameplateW, commissionedAtS);
    }

    /// @inheritdoc IMeterRegistry
    function deactivateMeter(address meter) external restricted {
        MeterRecord storage record = _records[meter];
        if (record.owner == address(0)) revert MeterNotRegistered(meter);
        if (!record.isActive) revert MeterInactive(meter);
        record.isActive = false;
        emit MeterDeactivated(meter);
    }

    /// @inheritdoc IMeterRegistry
    function transferMeter(address meter, address newOwner) external {
        MeterRecord storage record = _records[meter];
        address previousOwner = record.owner;
        if (previousOwner == address(0)) revert MeterNotRegistered(meter);
        if (previousOwner != msg.sender) revert NotMeterOwner(meter, msg.sender);
        if (newOwner == address(0)) revert ZeroAddress();
        if (!record.isActive) revert MeterInactive(meter);
        record.owner = newOwner;
        emit MeterOwnershipTransferred(meter, previousOwner, newOwner);
    }

    /// @inheritdoc IMeterRegistry
    function meterRecord(address meter) external view returns (MeterRecord memory) {
        return _records[meter];
    }

    /// @inheritdoc IMeterRegistry
    function meterRecordWords(address[] calldata meters) external view returns (uint256[] memory) {
        assembly ("memory-safe") {
            // The ABI encoding of the result, built past the free pointer and returned as it is: one slot read per
            // meter, no copy. Slot of `_records[meter]`: keccak256(meter ‖ _records.slot).
            let out := mload(0x40)
            mstore(out, 0x20)
            mstore(add(out, 0x20), meters.length)
            mstore(0x20, _records.slot)
            let word := add(out, 0x40)
            let end := add(meters.offset, shl(5, meters.length))
            for { let position := meters.offset } lt(position, end) { position := add(position, 0x20) } {
                mstore(0x00, and(calldataload(position), 0xffffffffffffffffffffffffffffffffffffffff))
                mstore(word, sload(keccak256(0x00, 0x40)))
                word := add(word, 0x20)
            }
            return(out, sub(word, out))
        }
    }

    /// @inheritdoc IMeterRegistry
    function meterDetails(address meter) external view returns (MeterDetails memory) {
        return _details[meter];
    }
}

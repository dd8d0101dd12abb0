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
    function meterRecordWord(address meter) external view returns (uint256 word) {
        MeterRecord storage record = _records[meter];
        assembly ("memory-safe") {
            word := sload(record.slot)
        }
    }

    /// @inheritdoc IMeterRegistry
    function meterDetails(address meter) external view returns (MeterDetails memory) {
        return _details[meter];
    }
}

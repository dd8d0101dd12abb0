// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice How a metered device produces the energy it exports (certificates carry it).
enum Technology {
    Unspecified,
    Solar,
    Wind,
    Hydro,
    Battery,
    Other
}

/// @notice What settlement needs about a meter, kept in one storage slot (20 + 8 + 1 + 1 bytes).
struct MeterRecord {
    address owner;
    uint64 zone;
    Technology technology;
    bool isActive;
}

/// @notice The rest of a meter's registration.
struct MeterDetails {
    uint32 nameplateW;
    uint32 commissionedAtS;
}

/// @title IMeterRegistry
/// @notice Binds a meter's key (its Ethereum-style address, docs/protocol.md) to the household that owns it and
/// to the grid zone it feeds. Only registered, active meters settle trades or earn certificates.
interface IMeterRegistry {
    /// @notice A meter was registered by the operator.
    event MeterRegistered(
        address indexed meter,
        address indexed owner,
        uint64 indexed zone,
        Technology technology,
        uint32 nameplateW,
        uint32 commissionedAtS
    );
    /// @notice A meter was deactivated for good (a lost, broken or compromised clamp); its address stays taken.
    event MeterDeactivated(address indexed meter);
    /// @notice A meter's owner handed it over (e.g. the house was sold).
    event MeterOwnershipTransferred(address indexed meter, address indexed previousOwner, address indexed newOwner);

    /// @notice The meter address is already registered (active or deactivated).
    error MeterAlreadyRegistered(address meter);
    /// @notice No meter is registered at this address.
    error MeterNotRegistered(address meter);
    /// @notice The meter was deactivated.
    error MeterInactive(address meter);
    /// @notice Only the meter's owner may do this.
    error NotMeterOwner(address meter, address caller);
    /// @notice An address argument is zero.
    error ZeroAddress();
    /// @notice A meter must declare a nameplate power above zero (order sizes are capped by it).
    error NameplateZero(address meter);

    /// @notice Registers a meter (operator role).
    function registerMeter(
        address meter,
        address owner,
        uint64 zone,
        Technology technology,
        uint32 nameplateW,
        uint32 commissionedAtS
    ) external;

    /// @notice Deactivates a meter for good (operator role).
    function deactivateMeter(address meter) external;

    /// @notice Hands a meter over to `newOwner`; only its current owner may.
    function transferMeter(address meter, address newOwner) external;

    /// @notice The settlement view of a meter (zero owner when unregistered).
    function meterRecord(address meter) external view returns (MeterRecord memory);

    /// @notice {meterRecord} of each of `meters` as its one storage word, for settlement (decode with
    /// MeterRecordWordLib): owner bits 0–159 ‖ zone bits 160–223 ‖ technology bits 224–231 ‖ isActive bits 232–239;
    /// zero when unregistered.
    function meterRecordWords(address[] calldata meters) external view returns (uint256[] memory);

    /// @notice Nameplate power and commissioning date.
    function meterDetails(address meter) external view returns (MeterDetails memory);
}

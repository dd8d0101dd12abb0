// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Which side of the zone's auction an order is on.
enum Side {
    Offer,
    Bid
}

/// @notice A standing order: offered or wanted energy per market interval, at a limit price, for a time window.
struct Order {
    address owner;
    uint64 zone;
    Side side;
    uint32 maxWhPerInterval;
    uint96 limitPricePerKWh;
    uint32 validFromS;
    uint32 validUntilS;
}

/// @notice An order signed by its owner (EIP-712) and submitted by anyone (the relay pays the gas).
struct SignedOrder {
    Order order;
    uint256 nonce;
    uint256 deadlineS;
    bytes signature;
}

/// @title IEnergyListing
/// @notice Standing offers and bids on-chain, indexed by the relay from events. An order is never edited: cancel it
/// and place a new one.
interface IEnergyListing {
    event OrderPlaced(
        uint256 indexed orderId,
        address indexed owner,
        uint64 indexed zone,
        Side side,
        uint32 maxWhPerInterval,
        uint96 limitPricePerKWh,
        uint32 validFromS,
        uint32 validUntilS
    );
    event OrderCancelled(uint256 indexed orderId, address indexed owner);

    error OrderQuantityZero();
    error OrderWindowInvalid(uint32 validFromS, uint32 validUntilS);
    error OrderNotFound(uint256 orderId);
    error OrderNotOwned(uint256 orderId, address caller);
    error OrderAlreadyCancelled(uint256 orderId);
    error SignatureExpired(uint256 deadlineS);
    error SignerNotOwner(address signer, address owner);

    /// @notice Places an order for the caller (`order.owner` must be the caller).
    function placeOrder(Order calldata order) external returns (uint256 orderId);

    /// @notice Places orders signed by their owners; each consumes the owner's next nonce.
    function placeSignedOrders(SignedOrder[] calldata orders) external returns (uint256 firstOrderId);

    /// @notice Cancels the caller's order.
    function cancelOrder(uint256 orderId) external;

    /// @notice Cancels an order with its owner's EIP-712 signature (consumes a nonce).
    function cancelSignedOrder(uint256 orderId, uint256 nonce, uint256 deadlineS, bytes calldata signature) external;

    function orderOf(uint256 orderId) external view returns (Order memory order, bool isActive);
}

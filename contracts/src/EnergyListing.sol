// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IEnergyListing, Order, SignedOrder} from "./interfaces/IEnergyListing.sol";

/// @title EnergyListing
/// @notice See {IEnergyListing}. Signed orders follow EIP-712 (domain "PeerEnergyListing", version "1"), with a
/// per-owner sequential nonce (OpenZeppelin `Nonces`) and a deadline.
contract EnergyListing is IEnergyListing, EIP712, Nonces, AccessManaged, Pausable {
    bytes32 public constant ORDER_TYPEHASH = keccak256(
        "PlaceOrder(address owner,uint64 zone,uint8 side,uint32 maxWhPerInterval,uint96 limitPricePerKWh,uint32 validFromS,uint32 validUntilS,uint256 nonce,uint256 deadlineS)"
    );
    bytes32 public constant CANCEL_TYPEHASH =
        keccak256("CancelOrder(address owner,uint256 orderId,uint256 nonce,uint256 deadlineS)");

    mapping(uint256 orderId => Order) private _orders;
    mapping(uint256 orderId => bool) private _isCancelled;
    uint256 public orderCount;

    constructor(address authority) EIP712("PeerEnergyListing", "1") AccessManaged(authority) {}

    /// @inheritdoc IEnergyListing
    function placeOrder(Order calldata order) external whenNotPaused returns (uint256) {
        if (order.owner != msg.sender) revert SignerNotOwner(msg.sender, order.owner);
        return _place(order);
    }

    /// @inheritdoc IEnergyListing
    function placeSignedOrders(SignedOrder[] calldata orders) external whenNotPaused returns (uint256 firstOrderId) {
        firstOrderId = orderCount;
        for (uint256 i = 0; i < orders.length; i++) {
            SignedOrder calldata signed = orders[i];
            if (block.timestamp > signed.deadlineS) revert SignatureExpired(signed.deadlineS);
            Order calldata order = signed.order;
            bytes32 structHash = keccak256(
                abi.encode(
                    ORDER_TYPEHASH,
                    order.owner,
                    order.zone,
                    order.side,
                    order.maxWhPerInterval,
                    order.limitPricePerKWh,
                    order.validFromS,
                    order.validUntilS,
                    signed.nonce,
                    signed.deadlineS
                )
            );
            address signer = ECDSA.recover(_hashTypedDataV4(structHash), signed.signature);
            if (signer != order.owner) revert SignerNotOwner(signer, order.owner);
            _useCheckedNonce(order.owner, signed.nonce);
            _place(order);
        }
    }

    /// @inheritdoc IEnergyListing
    function cancelOrder(uint256 orderId) external {
        _cancel(orderId, msg.sender);
    }

    /// @inheritdoc IEnergyListing
    function cancelSignedOrder(uint256 orderId, uint256 nonce, uint256 deadlineS, bytes calldata signature) external {
        if (block.timestamp > deadlineS) revert SignatureExpired(deadlineS);
        address owner = _orders[orderId].owner;
        bytes32 structHash = keccak256(abi.encode(CANCEL_TYPEHASH, owner, orderId, nonce, deadlineS));
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), signature);
        if (signer != owner) revert SignerNotOwner(signer, owner);
        _useCheckedNonce(owner, nonce);
        _cancel(orderId, owner);
    }

    /// @inheritdoc IEnergyListing
    function orderOf(uint256 orderId) external view returns (Order memory order, bool isActive) {
        order = _orders[orderId];
        isActive = order.owner != address(0) && !_isCancelled[orderId] && block.timestamp < order.validUntilS;
    }

    /// @notice The EIP-712 domain separator (for off-chain signers).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function pause() external restricted {
        _pause();
    }

    function unpause() external restricted {
        _unpause();
    }

    function _place(Order calldata order) private returns (uint256 orderId) {
        if (order.maxWhPerInterval == 0) revert OrderQuantityZero();
        if (order.validUntilS <= order.validFromS || order.validUntilS <= block.timestamp) {
            revert OrderWindowInvalid(order.validFromS, order.validUntilS);
        }
        orderId = orderCount++;
        _orders[orderId] = order;
        emit OrderPlaced(
            orderId,
            order.owner,
            order.zone,
            order.side,
            order.maxWhPerInterval,
            order.limitPricePerKWh,
            order.validFromS,
            order.validUntilS
        );
    }

    function _cancel(uint256 orderId, address caller) private {
        address owner = _orders[orderId].owner;
        if (owner == address(0)) revert OrderNotFound(orderId);
        if (owner != caller) revert OrderNotOwned(orderId, caller);
        if (_isCancelled[orderId]) revert OrderAlreadyCancelled(orderId);
        _isCancelled[orderId] = true;
        emit OrderCancelled(orderId, owner);
    }
}

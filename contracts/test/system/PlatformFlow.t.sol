// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "../support/Test.sol";
import {DemoSettlementToken} from "../../src/DemoSettlementToken.sol";
import {SealSigning} from "../support/SealSigning.sol";
import {DeploySystem} from "../../script/DeploySystem.sol";
import {GreenCertificateNFT} from "../../src/GreenCertificateNFT.sol";
import {Technology} from "../../src/interfaces/IMeterRegistry.sol";
import {Order, Side, SignedOrder} from "../../src/interfaces/IEnergyListing.sol";
import {CertificateLeaf, CertificateLeafLib} from "../../src/libraries/CertificateLeafLib.sol";
import {Seal} from "../../src/libraries/SealLib.sol";

/// @notice One interval end to end: signed order, settlement, certificate to the buyer, retirement, badge, fees
/// streamed to a boosted staker.
contract PlatformFlowTest is Test, DeploySystem {
    System internal sys;
    DemoSettlementToken internal token;
    address internal settler = address(0x5E771E);
    address internal operator = address(0x0BE7A7);
    address internal treasury = address(0x7EA5);
    uint256 internal meterKey = 0xE1EC7;
    uint256 internal sellerKey = 0x5E11E;
    address internal seller;
    address internal buyer = address(0xB0B);
    address internal meter;
    uint32 internal constant T0 = 1_767_290_000;

    function setUp() public {
        vm.warp(1_767_300_000);
        token = new DemoSettlementToken();
        sys = _deploySystem(
            Config({
                deployer: address(this),
                admin: address(0x5AFE),
                guardian: address(0x6A4D),
                settler: settler,
                operator: operator,
                treasury: treasury,
                settlementToken: token,
                feeBps: 100,
                rewardPerKWh: 1e17,
                certificateUri: ""
            })
        );
        seller = vm.addr(sellerKey);
        meter = vm.addr(meterKey);
        vm.prank(operator);
        sys.registry.registerMeter(meter, seller, 7, Technology.Solar, 5_000, 1_700_000_000);
        token.mint(buyer, 10_000_000);
        vm.startPrank(buyer);
        token.approve(address(sys.marketplace), 10_000_000);
        sys.marketplace.deposit(buyer, 10_000_000);
        vm.stopPrank();
    }

    function _settleOneTrade(uint32 energyWh, uint96 pricePerKWh)
        internal
        returns (bytes32 batchKey, CertificateLeaf memory leaf)
    {
        Seal memory seal = SealSigning.seal(meter, 1, T0, T0 + 900, 0, 2_000);
        bytes memory sellers = SealSigning.sellerEntry(meterKey, seller, seal);
        bytes memory trades = SealSigning.trade(buyer, 0, energyWh);
        vm.prank(settler);
        batchKey = sys.marketplace.settle(7, T0, T0 + 900, pricePerKWh, sellers, trades);
        leaf = CertificateLeaf(batchKey, buyer, meter, energyWh, T0, T0 + 900);
    }

    function test_signedOrderPlacedByRelay() public {
        Order memory order = Order(seller, 7, Side.Offer, 2_000, 200_000, T0, T0 + 30 days);
        uint256 deadlineS = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                sys.listing.ORDER_TYPEHASH(),
                order.owner,
                order.zone,
                order.side,
                order.maxWhPerInterval,
                order.limitPricePerKWh,
                order.validFromS,
                order.validUntilS,
                uint256(0),
                deadlineS
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", sys.listing.domainSeparator(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(sellerKey, digest);
        SignedOrder[] memory batch = new SignedOrder[](1);
        batch[0] = SignedOrder(order, 0, deadlineS, abi.encodePacked(r, s, v));
        vm.prank(settler); // any relayer pays the gas
        uint256 orderId = sys.listing.placeSignedOrders(batch);
        (Order memory stored, bool isActive) = sys.listing.orderOf(orderId);
        assertEq(stored.owner, seller, "owner");
        assertTrue(isActive, "active");
        vm.expectRevert(); // nonce 0 used: a replay fails
        sys.listing.placeSignedOrders(batch);
        vm.prank(seller);
        sys.listing.cancelOrder(orderId);
        (, isActive) = sys.listing.orderOf(orderId);
        assertTrue(!isActive, "cancelled");
    }

    function test_certificateMintedToBuyerThenRetired() public {
        (bytes32 batchKey, CertificateLeaf memory leaf) = _settleOneTrade(1_500, 250_000);
        uint256 id = sys.certificates.claimCertificate(leaf, new bytes32[](0));
        assertEq(sys.certificates.balanceOf(buyer, id), 1_500, "buyer holds the Wh");
        GreenCertificateNFT.Certificate memory cert = sys.certificates.certificate(id);
        assertEq(cert.device, meter, "device");
        assertEq(cert.generationStartS, T0, "generation start");
        assertEq(cert.batchKey, batchKey, "batch");
        vm.expectRevert(
            abi.encodeWithSelector(GreenCertificateNFT.LeafAlreadyClaimed.selector, CertificateLeafLib.hash(leaf))
        );
        sys.certificates.claimCertificate(leaf, new bytes32[](0));
        leaf.energyWh = 2_000;
        vm.expectRevert(GreenCertificateNFT.ProofInvalid.selector);
        sys.certificates.claimCertificate(leaf, new bytes32[](0));

        vm.prank(buyer);
        uint256 retirementId = sys.certificates.retire(id, 1_000, "Household B, 2026");
        assertEq(sys.certificates.balanceOf(buyer, id), 500, "burned");
        assertEq(sys.certificates.retirement(retirementId).energyWh, 1_000, "recorded");
    }

    function test_badgeIsSoulbound() public {
        _settleOneTrade(1_500, 250_000);
        sys.certificates.awardBadge(seller, 1);
        assertEq(sys.certificates.balanceOf(seller, 1), 1, "first kWh badge");
        vm.expectRevert(
            abi.encodeWithSelector(GreenCertificateNFT.MilestoneNotReached.selector, seller, 1_500, 100_000)
        );
        sys.certificates.awardBadge(seller, 2);
        vm.expectRevert(abi.encodeWithSelector(GreenCertificateNFT.BadgeNotTransferable.selector, 1));
        vm.prank(seller);
        sys.certificates.safeTransferFrom(seller, buyer, 1, 1, "");
    }

    function test_feesStreamToBoostedStaker() public {
        token.mint(buyer, 2_000_000_000);
        vm.startPrank(buyer);
        token.approve(address(sys.marketplace), 2_000_000_000);
        sys.marketplace.deposit(buyer, 2_000_000_000);
        vm.stopPrank();
        _settleOneTrade(1_500, 1_000_000_000); // gross 1 500 000 000, fee 15 000 000
        vm.prank(treasury);
        sys.token.transfer(seller, 100e18);
        vm.startPrank(seller);
        sys.token.approve(address(sys.staking), 100e18);
        sys.staking.stake(100e18);
        vm.stopPrank();
        assertEq(sys.staking.weightOf(seller), 150e18, "contributor boost 1.5x");
        sys.marketplace.distributeFees();
        vm.warp(block.timestamp + 7 days);
        vm.prank(seller);
        sys.staking.claimRewards();
        uint256 paid = token.balanceOf(seller);
        assertLe(paid, 15_000_000, "never more than the fees");
        assertEq(paid + sys.staking.unallocatedRewards(), 15_000_000, "all fees paid or carried to the next stream");
        vm.prank(treasury);
        sys.token.transfer(address(sys.incentive), 1_000e18);
        sys.incentive.claim(seller);
        assertEq(sys.token.balanceOf(seller), 0.15e18, "0.1 PET per filled kWh");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Safe} from "@safe-global/safe-smart-account/contracts/Safe.sol";
import {SafeProxyFactory} from "@safe-global/safe-smart-account/contracts/proxies/SafeProxyFactory.sol";
import {Enum} from "@safe-global/safe-smart-account/contracts/libraries/Enum.sol";
import {Test} from "../support/Test.sol";
import {DemoSettlementToken} from "../../src/DemoSettlementToken.sol";
import {DeploySystem} from "../../script/DeploySystem.sol";
import {Roles} from "../../src/access/Roles.sol";

/// @notice The AccessManager's admin is a 2-of-3 Safe; parameter changes wait out the delay; a guardian pauses
/// at once; nobody else can do either.
contract AdministrationTest is Test, DeploySystem {
    uint256[3] internal ownerKeys = [uint256(0xA11CE), uint256(0xB0B), uint256(0xCA401)];
    Safe internal safe;
    System internal sys;
    address internal guardian = address(0x6A4D);

    function setUp() public {
        vm.warp(1_767_300_000);
        Safe singleton = new Safe();
        SafeProxyFactory factory = new SafeProxyFactory();
        address[] memory owners = new address[](3);
        for (uint256 i = 0; i < 3; i++) {
            owners[i] = vm.addr(ownerKeys[i]);
        }
        bytes memory initializer =
            abi.encodeCall(Safe.setup, (owners, 2, address(0), "", address(0), address(0), 0, payable(address(0))));
        safe = Safe(payable(address(factory.createProxyWithNonce(address(singleton), initializer, 1))));
        DemoSettlementToken token = new DemoSettlementToken();
        sys = _deploySystem(
            Config({
                deployer: address(this),
                admin: address(safe),
                guardian: guardian,
                settler: address(0x5E771E),
                operator: address(0x0BE7A7),
                treasury: address(0x7EA5),
                settlementToken: token,
                feeBps: 100,
                rewardPerKWh: 1e17,
                certificateUri: ""
            })
        );
    }

    /// @dev Executes `data` on `to` from the Safe with the signatures of owners `a` and `b` (sorted, as Safe wants).
    function _execFromSafe(address to, bytes memory data, uint256 a, uint256 b) internal returns (bool) {
        bytes memory signatures = _twoSignatures(_safeTxHash(to, data), a, b);
        return
            safe.execTransaction(to, 0, data, Enum.Operation.Call, 0, 0, 0, address(0), payable(address(0)), signatures);
    }

    function _safeTxHash(address to, bytes memory data) internal view returns (bytes32) {
        return safe.getTransactionHash(
            to, 0, data, Enum.Operation.Call, 0, 0, 0, address(0), payable(address(0)), safe.nonce()
        );
    }

    function _twoSignatures(bytes32 txHash, uint256 a, uint256 b) internal view returns (bytes memory) {
        (uint256 first, uint256 second) =
            vm.addr(ownerKeys[a]) < vm.addr(ownerKeys[b]) ? (ownerKeys[a], ownerKeys[b]) : (ownerKeys[b], ownerKeys[a]);
        (uint8 v1, bytes32 r1, bytes32 s1) = vm.sign(first, txHash);
        (uint8 v2, bytes32 r2, bytes32 s2) = vm.sign(second, txHash);
        return abi.encodePacked(r1, s1, v1, r2, s2, v2);
    }

    function test_safeIsSoleAdmin() public view {
        (bool safeIsAdmin,) = sys.manager.hasRole(0, address(safe));
        (bool deployerIsAdmin,) = sys.manager.hasRole(0, address(this));
        assertTrue(safeIsAdmin, "safe is admin");
        assertTrue(!deployerIsAdmin, "deployer renounced");
        assertEq(safe.getThreshold(), 2, "2-of-3");
    }

    function test_gridFeeSettersAreParameterChanges() public view {
        IAccessManager manager = IAccessManager(address(sys.manager));
        address market = address(sys.marketplace);
        assertEq(manager.getTargetFunctionRole(market, sys.marketplace.setGridFees.selector), Roles.PARAMETER, "fees");
        assertEq(
            manager.getTargetFunctionRole(market, sys.marketplace.setGridOperator.selector), Roles.PARAMETER, "operator"
        );
        assertEq(manager.getTargetFunctionRole(market, sys.marketplace.setFeeBps.selector), Roles.PARAMETER, "feeBps");
    }

    function test_parameterChange_throughSafeAfterDelay() public {
        bytes memory change = abi.encodeCall(sys.marketplace.setFeeBps, (200));
        // Scheduling needs two owners' signatures.
        assertTrue(
            _execFromSafe(
                address(sys.manager),
                abi.encodeCall(IAccessManager.schedule, (address(sys.marketplace), change, 0)),
                0,
                2
            ),
            "scheduled"
        );
        // Too early: the Safe's own call fails while the delay runs.
        bytes memory signatures = _twoSignatures(_safeTxHash(address(sys.marketplace), change), 0, 1);
        bytes32 operationId = sys.manager.hashOperation(address(safe), address(sys.marketplace), change);
        vm.expectRevert(abi.encodeWithSelector(IAccessManager.AccessManagerNotReady.selector, operationId));
        safe.execTransaction(
            address(sys.marketplace),
            0,
            change,
            Enum.Operation.Call,
            0,
            0,
            0,
            address(0),
            payable(address(0)),
            signatures
        );

        vm.warp(block.timestamp + Roles.PARAMETER_DELAY_S);
        assertTrue(_execFromSafe(address(sys.marketplace), change, 1, 2), "executed after delay");
        assertEq(sys.marketplace.feeBps(), 200, "fee changed");
    }

    function test_parameterChange_refusedFromAnyoneElse() public {
        address stranger = address(0xBAD);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, stranger));
        vm.prank(stranger);
        sys.marketplace.setFeeBps(200);
        // A single owner is not the Safe.
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, vm.addr(ownerKeys[0]))
        );
        vm.prank(vm.addr(ownerKeys[0]));
        sys.marketplace.setFeeBps(200);
        // Nor is the guardian.
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, guardian));
        vm.prank(guardian);
        sys.marketplace.setFeeBps(200);
    }

    function test_safeRefusesOneSignature() public {
        bytes memory data = abi.encodeCall(sys.marketplace.unpause, ());
        bytes32 txHash = safe.getTransactionHash(
            address(sys.marketplace),
            0,
            data,
            Enum.Operation.Call,
            0,
            0,
            0,
            address(0),
            payable(address(0)),
            safe.nonce()
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKeys[0], txHash);
        vm.expectRevert(bytes("GS020"));
        safe.execTransaction(
            address(sys.marketplace),
            0,
            data,
            Enum.Operation.Call,
            0,
            0,
            0,
            address(0),
            payable(address(0)),
            abi.encodePacked(r, s, v)
        );
    }

    function test_guardianPausesAtOnce_safeUnpauses() public {
        vm.prank(guardian);
        sys.marketplace.pause();
        assertTrue(sys.marketplace.paused(), "paused immediately");
        vm.prank(guardian);
        sys.listing.pause();
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, guardian));
        vm.prank(guardian);
        sys.marketplace.unpause();
        assertTrue(
            _execFromSafe(address(sys.marketplace), abi.encodeCall(sys.marketplace.unpause, ()), 0, 1), "unpause"
        );
        assertTrue(!sys.marketplace.paused(), "unpaused by the Safe");
    }
}

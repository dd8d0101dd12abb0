// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IMeterRegistry, Technology} from "./interfaces/IMeterRegistry.sol";
import {ITradingMarketplace} from "./interfaces/ITradingMarketplace.sol";
import {CertificateLeaf, CertificateLeafLib} from "./libraries/CertificateLeafLib.sol";

/// @title GreenCertificateNFT
/// @notice Certificates for renewable energy whose delivery a meter sealed and the marketplace settled, following
/// the ERC-1888 / EnergyTag shape (device, zone, technology, generation start and end, Wh, issuer). One ERC-1155
/// id per (settled batch, meter); balances are Wh. Settlement commits a Merkle root of one leaf per trade; each
/// buyer's certificate is minted to that buyer (it moves with the energy) from its leaf and a proof. Claiming
/// (retiring) burns the Wh for good and keeps a record.
/// Also non-transferable achievement badges (ids 1–3) for sharing milestones.
/// @dev These are platform attestations of metered, settled trades. They are NOT official Guarantees of Origin
/// (EU Directive 2018/2001 art. 19) and cannot be used as such.
contract GreenCertificateNFT is ERC1155, AccessManaged {
    /// @notice Certificate metadata, written when its first Wh is minted.
    struct Certificate {
        address device;
        uint64 zone;
        Technology technology;
        uint32 generationStartS;
        uint32 generationEndS;
        bytes32 batchKey;
    }

    /// @notice A retirement: energy claimed for a beneficiary, irreversibly.
    struct Retirement {
        address holder;
        uint256 certificateId;
        uint256 energyWh;
        string beneficiary;
        uint64 retiredAtS;
    }

    uint256 public constant BADGE_FIRST_KWH = 1;
    uint256 public constant BADGE_100_KWH = 2;
    uint256 public constant BADGE_1_MWH = 3;

    ITradingMarketplace public immutable marketplace;
    IMeterRegistry public immutable registry;

    mapping(uint256 certificateId => Certificate) private _certificates;
    mapping(bytes32 leaf => bool) public isLeafClaimed;
    Retirement[] private _retirements;

    event CertificateIssued(
        uint256 indexed certificateId, address indexed buyer, address indexed device, uint256 energyWh
    );
    event CertificateRetired(
        uint256 indexed retirementId,
        address indexed holder,
        uint256 indexed certificateId,
        uint256 energyWh,
        string beneficiary
    );
    event BadgeAwarded(address indexed account, uint256 indexed badgeId);

    error BatchNotSettled(bytes32 batchKey);
    error LeafAlreadyClaimed(bytes32 leaf);
    error ProofInvalid();
    error NotACertificate(uint256 id);
    error BadgeUnknown(uint256 badgeId);
    error BadgeAlreadyHeld(address account, uint256 badgeId);
    error MilestoneNotReached(address account, uint256 soldWh, uint256 requiredWh);
    error BadgeNotTransferable(uint256 badgeId);
    error AmountZero();

    constructor(address authority, ITradingMarketplace marketplace_, IMeterRegistry registry_, string memory uri_)
        ERC1155(uri_)
        AccessManaged(authority)
    {
        marketplace = marketplace_;
        registry = registry_;
    }

    /// @notice The certificate id of `meter`'s generation in batch `batchKey`.
    function certificateIdOf(bytes32 batchKey, address meter) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(batchKey, meter)));
    }

    /// @notice Mints the certificate of one settled trade to its buyer (anyone may submit it, e.g. the relay).
    function claimCertificate(CertificateLeaf calldata leaf, bytes32[] calldata proof) external returns (uint256 id) {
        bytes32 root = marketplace.certificateRoot(leaf.batchKey);
        if (root == bytes32(0)) revert BatchNotSettled(leaf.batchKey);
        bytes32 leafHash = CertificateLeafLib.hash(leaf);
        if (isLeafClaimed[leafHash]) revert LeafAlreadyClaimed(leafHash);
        if (!MerkleProof.verifyCalldata(proof, root, leafHash)) revert ProofInvalid();
        isLeafClaimed[leafHash] = true;
        id = certificateIdOf(leaf.batchKey, leaf.meter);
        Certificate storage record = _certificates[id];
        if (record.device == address(0)) {
            record.device = leaf.meter;
            record.zone = registry.meterRecord(leaf.meter).zone;
            record.technology = registry.meterRecord(leaf.meter).technology;
            record.generationStartS = leaf.generationStartS;
            record.generationEndS = leaf.generationEndS;
            record.batchKey = leaf.batchKey;
        }
        emit CertificateIssued(id, leaf.buyer, leaf.meter, leaf.energyWh);
        _mint(leaf.buyer, id, leaf.energyWh, "");
    }

    /// @notice Retires (claims) `energyWh` of the caller's certificate for `beneficiary`: burned, recorded, final.
    function retire(uint256 certificateId, uint256 energyWh, string calldata beneficiary)
        external
        returns (uint256 retirementId)
    {
        if (energyWh == 0) revert AmountZero();
        if (_certificates[certificateId].device == address(0)) revert NotACertificate(certificateId);
        retirementId = _retirements.length;
        _retirements.push(
            Retirement({
                holder: msg.sender,
                certificateId: certificateId,
                energyWh: energyWh,
                beneficiary: beneficiary,
                retiredAtS: uint64(block.timestamp)
            })
        );
        emit CertificateRetired(retirementId, msg.sender, certificateId, energyWh, beneficiary);
        _burn(msg.sender, certificateId, energyWh);
    }

    /// @notice Awards a milestone badge to `account` once its settled, seal-verified sales reach the milestone.
    function awardBadge(address account, uint256 badgeId) external {
        uint256 requiredWh = badgeThresholdWh(badgeId);
        if (balanceOf(account, badgeId) != 0) revert BadgeAlreadyHeld(account, badgeId);
        uint256 soldWh = marketplace.accountOf(account).soldWh;
        if (soldWh < requiredWh) revert MilestoneNotReached(account, soldWh, requiredWh);
        emit BadgeAwarded(account, badgeId);
        _mint(account, badgeId, 1, "");
    }

    /// @notice Sold energy a badge requires: first kWh shared, 100 kWh, 1 MWh.
    function badgeThresholdWh(uint256 badgeId) public pure returns (uint256) {
        if (badgeId == BADGE_FIRST_KWH) return 1_000;
        if (badgeId == BADGE_100_KWH) return 100_000;
        if (badgeId == BADGE_1_MWH) return 1_000_000;
        revert BadgeUnknown(badgeId);
    }

    function certificate(uint256 certificateId) external view returns (Certificate memory) {
        return _certificates[certificateId];
    }

    /// @notice The issuer of every certificate: the settlement contract that verified the meter seals.
    function issuer() external view returns (address) {
        return address(marketplace);
    }

    function retirement(uint256 retirementId) external view returns (Retirement memory) {
        return _retirements[retirementId];
    }

    function retirementCount() external view returns (uint256) {
        return _retirements.length;
    }

    function setURI(string calldata uri_) external restricted {
        _setURI(uri_);
    }

    /// @dev Badges are soulbound: minted, never moved or burned.
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values) internal override {
        if (from != address(0)) {
            for (uint256 i = 0; i < ids.length; i++) {
                if (ids[i] <= BADGE_1_MWH) revert BadgeNotTransferable(ids[i]);
            }
        }
        super._update(from, to, ids, values);
    }
}

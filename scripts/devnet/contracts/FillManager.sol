// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

import "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import "./IMessenger.sol";
import "./LpWhitelist.sol";
import "./RequestIds.sol";
import "./Resolver.sol";

/// @title Target-chain side of a transfer: LPs pay receivers here; every fill and every non-fill
/// proof is sent to the L1 Resolver through the chain's messenger.
contract FillManager is Ownable, LpWhitelist {
    using SafeERC20 for IERC20;

    event RequestFilled(
        bytes32 indexed requestId,
        bytes32 fillId,
        uint256 indexed sourceChainId,
        address indexed targetTokenAddress,
        address filler,
        uint256 amount
    );
    event FillInvalidated(bytes32 indexed requestId, bytes32 indexed fillId);

    /// This chain's messenger towards L1.
    IMessenger public immutable messenger;
    /// The Resolver on L1 (set once).
    address public l1Resolver;
    /// Fill id of every filled request id.
    mapping(bytes32 => bytes32) public fills;

    constructor(address _messenger) {
        messenger = IMessenger(_messenger);
    }

    /// Set the L1 Resolver; possible once.
    function setResolver(address _l1Resolver) external onlyOwner {
        require(l1Resolver == address(0), "Resolver already set");
        l1Resolver = _l1Resolver;
    }

    /// Pay `amount` of `targetTokenAddress` to the receiver of a request, once per request id.
    function fillRequest(
        uint256 sourceChainId,
        address targetTokenAddress,
        address targetReceiverAddress,
        uint256 amount,
        uint96 nonce
    ) external onlyAllowed(msg.sender) returns (bytes32) {
        require(l1Resolver != address(0), "Resolver address not set");
        bytes32 requestId = RequestIds.create(
            sourceChainId, block.chainid, targetTokenAddress, targetReceiverAddress, amount, nonce
        );
        require(fills[requestId] == bytes32(0), "Already filled");

        IERC20(targetTokenAddress).safeTransferFrom(msg.sender, targetReceiverAddress, amount);

        bytes32 fillId = blockhash(block.number - 1);
        fills[requestId] = fillId;
        messenger.sendMessage(
            l1Resolver,
            abi.encodeCall(
                Resolver.resolve, (requestId, fillId, block.chainid, sourceChainId, msg.sender)
            )
        );
        emit RequestFilled(
            requestId, fillId, sourceChainId, targetTokenAddress, msg.sender, amount
        );
        return fillId;
    }

    /// Prove on L1 that `fillId` is not the fill of the request; anyone may call.
    function invalidateFill(
        uint256 sourceChainId,
        address targetTokenAddress,
        address targetReceiverAddress,
        uint256 amount,
        uint96 nonce,
        bytes32 fillId
    ) external {
        require(l1Resolver != address(0), "Resolver address not set");
        bytes32 requestId = RequestIds.create(
            sourceChainId, block.chainid, targetTokenAddress, targetReceiverAddress, amount, nonce
        );
        require(fills[requestId] != fillId, "Fill valid");
        require(fillId != blockhash(block.number - 1), "Cannot invalidate fills of current block");
        messenger.sendMessage(
            l1Resolver,
            abi.encodeCall(
                Resolver.resolve, (requestId, fillId, block.chainid, sourceChainId, address(0))
            )
        );
        emit FillInvalidated(requestId, fillId);
    }
}

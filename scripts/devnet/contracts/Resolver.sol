// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

import "./IMessenger.sol";
import "./RequestManager.sol";
import "./RestrictedCalls.sol";

/// @title L1 hub: receives fill and non-fill proofs from target chains and forwards them to the
/// source chain's RequestManager.
contract Resolver is Ownable, RestrictedCalls {
    struct SourceChainInfo {
        address requestManager;
        address messenger;
    }

    event Resolution(
        uint256 sourceChainId, uint256 fillChainId, bytes32 requestId, address filler, bytes32 fillId
    );

    /// Where to forward proofs for each source chain.
    mapping(uint256 => SourceChainInfo) public sourceChainInfos;

    /// Forward a proof from `fillChainId` to the RequestManager of `sourceChainId`; a zero filler
    /// means the fill id is invalid.
    function resolve(
        bytes32 requestId,
        bytes32 fillId,
        uint256 fillChainId,
        uint256 sourceChainId,
        address filler
    ) external restricted(fillChainId) {
        SourceChainInfo storage info = sourceChainInfos[sourceChainId];
        require(
            info.requestManager != address(0), "No request manager available for source chain"
        );
        require(info.messenger != address(0), "No messenger available for source chain");

        bytes memory message;
        if (filler == address(0)) {
            message = abi.encodeCall(
                RequestManager.invalidateFill, (requestId, fillId, block.chainid)
            );
        } else {
            message = abi.encodeCall(
                RequestManager.resolveRequest, (requestId, fillId, block.chainid, filler)
            );
        }
        IMessenger(info.messenger).sendMessage(info.requestManager, message);
        emit Resolution(sourceChainId, fillChainId, requestId, filler, fillId);
    }

    /// Register (or replace) the RequestManager of `chainId` and the L1 messenger that reaches it.
    function addRequestManager(uint256 chainId, address requestManager, address messenger)
        external
        onlyOwner
    {
        sourceChainInfos[chainId] = SourceChainInfo(requestManager, messenger);
    }
}

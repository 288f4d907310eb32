// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

/// @title The request id both managers derive from a transfer's parameters.
library RequestIds {
    /// keccak256 of the packed (sourceChainId, targetChainId, targetToken, receiver, amount, nonce).
    function create(
        uint256 sourceChainId,
        uint256 targetChainId,
        address targetTokenAddress,
        address targetReceiverAddress,
        uint256 amount,
        uint96 nonce
    ) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                sourceChainId, targetChainId, targetTokenAddress, targetReceiverAddress, amount, nonce
            )
        );
    }
}

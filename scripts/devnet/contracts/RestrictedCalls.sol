// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

import "@openzeppelin/contracts/access/Ownable.sol";
import "./IMessenger.sol";

/// @title One trusted caller per chain id, authenticated directly (same chain) or via a messenger.
abstract contract RestrictedCalls is Ownable {
    /// callers[chainId][0] = the allowed caller, callers[chainId][1] = the messenger that
    /// authenticates it (zero for a caller on this chain).
    mapping(uint256 => address[2]) public callers;

    /// Allow `caller` on this chain.
    function addCaller(address caller) external onlyOwner {
        _addCaller(block.chainid, caller, address(0));
    }

    /// Allow `caller` on `callerChainId`, whose calls arrive through `messenger`.
    function addCaller(uint256 callerChainId, address caller, address messenger) external onlyOwner {
        _addCaller(callerChainId, caller, messenger);
    }

    function _addCaller(uint256 callerChainId, address caller, address messenger) private {
        require(caller != address(0), "RestrictedCalls: caller cannot be 0");
        require(callers[callerChainId][0] == address(0), "RestrictedCalls: caller already exists");
        callers[callerChainId][0] = caller;
        callers[callerChainId][1] = messenger;
    }

    modifier restricted(uint256 callerChainId) {
        address caller = callers[callerChainId][0];
        if (callerChainId == block.chainid) {
            require(msg.sender == caller, "RestrictedCalls: call disallowed");
        } else {
            address messenger = callers[callerChainId][1];
            require(messenger != address(0), "RestrictedCalls: messenger not set");
            require(
                IMessenger(messenger).callAllowed(caller, msg.sender),
                "RestrictedCalls: call disallowed"
            );
        }
        _;
    }
}

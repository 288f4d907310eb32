// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

import "./IMessenger.sol";
import "./RestrictedCalls.sol";

/// @title Messenger for a local devnet: outgoing messages are events a trusted relay account
/// delivers on the paired chain through `deliverMessage`.
contract DevnetMessenger is IMessenger, RestrictedCalls {
    event MessageSent(uint256 indexed nonce, address indexed target, bytes message);
    event MessageDelivered(address indexed remoteSender, uint256 indexed remoteNonce);

    /// The only account allowed to deliver messages.
    address public relayer;

    uint256 private _lastNonce;
    address private _currentRemoteSender;
    mapping(address => mapping(uint256 => bool)) private _delivered;

    /// Emit a message for the relay; only this chain's registered caller may send.
    function sendMessage(address target, bytes calldata message)
        external
        restricted(block.chainid)
    {
        _lastNonce += 1;
        emit MessageSent(_lastNonce, target, message);
    }

    /// Set the relay account.
    function setRelayer(address relayer_) external onlyOwner {
        relayer = relayer_;
    }

    /// Execute a message sent by `remoteSender` (the paired messenger) on the other chain.
    function deliverMessage(
        address remoteSender,
        uint256 remoteNonce,
        address target,
        bytes calldata message
    ) external {
        require(msg.sender == relayer, "DevnetMessenger: caller is not the relayer");
        require(!_delivered[remoteSender][remoteNonce], "DevnetMessenger: already delivered");
        _delivered[remoteSender][remoteNonce] = true;

        address previous = _currentRemoteSender;
        _currentRemoteSender = remoteSender;
        (bool ok, bytes memory result) = target.call(message);
        _currentRemoteSender = previous;

        if (!ok) {
            if (result.length == 0) revert("DevnetMessenger: call failed");
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
        emit MessageDelivered(remoteSender, remoteNonce);
    }

    /// True once (remoteSender, remoteNonce) was delivered.
    function isDelivered(address remoteSender, uint256 remoteNonce) external view returns (bool) {
        return _delivered[remoteSender][remoteNonce];
    }

    /// True iff this messenger is delivering a message sent by `caller` right now.
    function callAllowed(address caller, address courier) external view returns (bool) {
        return courier == address(this) && caller != address(0) && caller == _currentRemoteSender;
    }
}

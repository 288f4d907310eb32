// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

/// @title Cross-domain messenger shape shared by every messenger the protocol trusts.
interface IMessenger {
    /// Send `message` (an ABI-encoded call) to `target` on the other side of the L1/L2 boundary.
    function sendMessage(address target, bytes calldata message) external;

    /// True iff `courier` (msg.sender on this chain) is delivering a message that was sent by
    /// `caller` on the other side.
    function callAllowed(address caller, address courier) external view returns (bool);
}

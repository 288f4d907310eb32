// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

import "@openzeppelin/contracts/access/Ownable.sol";

/// @title Owner-managed set of liquidity providers.
abstract contract LpWhitelist is Ownable {
    /// Whether an address may act as LP.
    mapping(address => bool) public allowedLps;

    event LpAdded(address lp);
    event LpRemoved(address lp);

    modifier onlyAllowed(address addr) {
        require(allowedLps[addr], "Not allowed");
        _;
    }

    /// Add `newLp` to the set (emits even when already present).
    function addAllowedLp(address newLp) public onlyOwner {
        allowedLps[newLp] = true;
        emit LpAdded(newLp);
    }

    /// Remove `oldLp` from the set.
    function removeAllowedLp(address oldLp) public onlyOwner {
        delete allowedLps[oldLp];
        emit LpRemoved(oldLp);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.19;

import "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title An 18-decimal ERC20 with a free-for-all mint, named at deployment.
contract NamedMintableToken is ERC20 {
    constructor(string memory name_, string memory symbol_, uint256 initialSupply)
        ERC20(name_, symbol_)
    {
        _mint(msg.sender, initialSupply);
    }

    /// Mint `amount` to `to`; callable by anyone (test networks only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @title The protocol's test token: name "Test", symbol "TST".
contract MintableToken is NamedMintableToken {
    constructor(uint256 initialSupply) NamedMintableToken("Test", "TST", initialSupply) {}
}

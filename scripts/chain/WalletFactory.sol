// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Wallet} from "./Wallet.sol";

/// Deploys test Wallets with CREATE2, so a wallet's address is fixed before
/// it exists: an ERC-6492 signature names this factory and the deploy call,
/// and a verifier runs them to check a wallet that is not deployed yet.
contract WalletFactory {
    function deploy(address owner, bytes32 salt) external returns (Wallet) {
        return new Wallet{salt: salt}(owner);
    }

    function walletAddress(address owner, bytes32 salt) external view returns (address) {
        bytes32 initCodeHash = keccak256(abi.encodePacked(type(Wallet).creationCode, abi.encode(owner)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash)))));
    }
}

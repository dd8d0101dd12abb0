// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Prints through forge's console precompile (shown with `forge test -vv`), without forge-std.
library Console {
    address internal constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    function log(string memory label, uint256 value) internal view {
        _send(abi.encodeWithSignature("log(string,uint256)", label, value));
    }

    function log(string memory message) internal view {
        _send(abi.encodeWithSignature("log(string)", message));
    }

    function _send(bytes memory payload) private view {
        address console = CONSOLE;
        assembly ("memory-safe") {
            pop(staticcall(gas(), console, add(payload, 32), mload(payload), 0, 0))
        }
    }
}

/**
 * Gives a page a wallet the way real wallets appear to pages: an EIP-1193 provider at `window.ethereum`
 * (`page.addInitScript`), whose requests are answered in the test process by a viem account
 * (`page.exposeFunction`). The key stays in the test process; the page only ever sees addresses and signatures.
 */
import type { Page } from 'playwright-core';
import type { Hex, LocalAccount } from 'viem';

/** Installs the provider on every document the page loads. `chainIdHex` answers `eth_chainId`. */
export async function injectWallet(page: Page, account: LocalAccount, chainIdHex = '0x7a69'): Promise<void> {
  await page.exposeFunction('__petTestWalletRequest', async (method: string, params: unknown[]) => {
    switch (method) {
      case 'eth_requestAccounts':
      case 'eth_accounts':
        return [account.address];
      case 'eth_chainId':
        return chainIdHex;
      case 'personal_sign': {
        // EIP-1474 personal_sign: [message as 0x-hex of its bytes, address]; the wallet adds the EIP-191 prefix.
        const [messageHex, address] = params as [Hex, string];
        if (address.toLowerCase() !== account.address.toLowerCase()) throw new Error(`unknown account ${address}`);
        return account.signMessage({ message: { raw: messageHex } });
      }
      default:
        throw new Error(`the test wallet does not support ${method}`);
    }
  });
  // A string, not a function: the test runs through a transpiler whose helpers would not exist in the page.
  await page.addInitScript({
    content: `(() => {
      const bridge = window.__petTestWalletRequest;
      window.ethereum = {
        isTestWallet: true,
        request: ({ method, params }) => bridge(method, params ?? []),
        on() {},
        removeListener() {},
      };
    })();`,
  });
}

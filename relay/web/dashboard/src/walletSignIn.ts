/**
 * Sign-in with the owner's wallet, EIP-4361 (Sign-In with Ethereum): the relay writes the message, the wallet
 * signs it with `personal_sign` (EIP-191 prefix) through the page's EIP-1193 provider (`window.ethereum`), and
 * the relay checks the signature and returns a session token. The key never leaves the wallet.
 */
import { requestApi } from './apiClient.ts';

/** The EIP-1193 provider surface the page uses. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** A signed-in session. */
export interface WalletSession {
  address: string;
  token: string;
  /** Expiry, Unix milliseconds, when the relay says. */
  expiresAtMs: number | undefined;
}

/** A failed sign-in step, with a code for the page to explain. */
export interface SignInFailure {
  code: 'no_wallet' | 'wallet_refused' | 'challenge_failed' | 'verify_failed';
  message: string;
}

/** The wallet the browser offers, if any (EIP-1193 §"Provider": `window.ethereum`). */
export function findWallet(): Eip1193Provider | undefined {
  const candidate = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  return candidate !== undefined && typeof candidate.request === 'function' ? candidate : undefined;
}

/** UTF-8 text → 0x-hex, the form `personal_sign` takes its message in (EIP-1474). */
export function utf8ToHex(text: string): string {
  let hex = '0x';
  for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Runs the whole sign-in: account → challenge → signature → session. */
export async function signInWithWallet(): Promise<WalletSession | SignInFailure> {
  const wallet = findWallet();
  if (wallet === undefined) {
    return { code: 'no_wallet', message: 'No wallet found in this browser. Install or unlock an Ethereum wallet to sign in.' };
  }
  let address: string;
  try {
    const accounts = (await wallet.request({ method: 'eth_requestAccounts' })) as string[];
    if (!Array.isArray(accounts) || typeof accounts[0] !== 'string') throw new Error('the wallet returned no account');
    address = accounts[0].toLowerCase();
  } catch (error) {
    return { code: 'wallet_refused', message: `The wallet did not share an account: ${(error as Error).message}` };
  }

  const challenge = await requestApi<{ message?: string }>('/api/v1/auth/challenge', { method: 'POST', body: { address } });
  if (!challenge.ok || typeof challenge.body.message !== 'string') {
    return { code: 'challenge_failed', message: challenge.ok ? 'The relay sent no message to sign.' : challenge.message };
  }
  const message = challenge.body.message;

  let signature: string;
  try {
    signature = String(await wallet.request({ method: 'personal_sign', params: [utf8ToHex(message), address] }));
  } catch (error) {
    return { code: 'wallet_refused', message: `The wallet did not sign: ${(error as Error).message}` };
  }

  const verified = await requestApi<{ token?: string; sessionToken?: string; expiresAt?: string | number }>('/api/v1/auth/verify', {
    method: 'POST',
    body: { message, signature },
  });
  const token = verified.ok ? (verified.body.token ?? verified.body.sessionToken) : undefined;
  if (!verified.ok || typeof token !== 'string') {
    return { code: 'verify_failed', message: verified.ok ? 'The relay returned no session.' : verified.message };
  }
  const expiresAt = verified.body.expiresAt;
  return {
    address,
    token,
    expiresAtMs: expiresAt === undefined ? undefined : typeof expiresAt === 'number' ? expiresAt : Date.parse(expiresAt),
  };
}

const storageKey = 'pet.session';

/** Keeps the session for this tab only (sessionStorage), so closing the tab signs out. */
export function rememberSession(session: WalletSession | undefined): void {
  if (session === undefined) sessionStorage.removeItem(storageKey);
  else sessionStorage.setItem(storageKey, JSON.stringify(session));
}

/** The session remembered in this tab, unless it has expired. */
export function recallSession(): WalletSession | undefined {
  const text = sessionStorage.getItem(storageKey);
  if (text === null) return undefined;
  try {
    const session = JSON.parse(text) as WalletSession;
    if (session.expiresAtMs !== undefined && session.expiresAtMs !== null && session.expiresAtMs < Date.now()) return undefined;
    return typeof session.token === 'string' && typeof session.address === 'string' ? session : undefined;
  } catch {
    return undefined;
  }
}

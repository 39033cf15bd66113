import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { createSiweMessage, type CreateSiweMessageParameters } from 'viem/siwe';

export function newAccount(): PrivateKeyAccount {
  return privateKeyToAccount(generatePrivateKey());
}

export async function fetchNonce(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/nonce`);
  if (res.status !== 200) throw new Error(`nonce answered ${res.status}`);
  return ((await res.json()) as { nonce: string }).nonce;
}

/** An EIP-4361 message for this test server, as the wallet UI builds it; `overrides` bend one field. */
export async function siweMessage(
  baseUrl: string,
  account: PrivateKeyAccount,
  overrides: Partial<CreateSiweMessageParameters> = {},
): Promise<string> {
  const url = new URL(baseUrl);
  const now = new Date();
  return createSiweMessage({
    domain: url.host,
    uri: url.origin,
    version: '1',
    chainId: 1,
    address: account.address,
    nonce: overrides.nonce ?? (await fetchNonce(baseUrl)),
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 10 * 60_000),
    statement: 'Sign in to sentiment-desk to comment and vote.',
    ...overrides,
  });
}

export interface VerifyResponse {
  status: number;
  body: { address?: string; error?: string; message?: string; reason?: string };
  /** `session=<token>` from Set-Cookie, ready to send back. */
  cookie: string | null;
}

export async function postVerify(
  baseUrl: string,
  message: string,
  signature: string,
  headers: Record<string, string> = {},
): Promise<VerifyResponse> {
  const res = await fetch(`${baseUrl}/api/auth/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(baseUrl).origin, ...headers },
    body: JSON.stringify({ message, signature }),
  });
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('session='));
  return {
    status: res.status,
    body: (await res.json()) as VerifyResponse['body'],
    cookie: setCookie ? (setCookie.split(';')[0] ?? null) : null,
  };
}

/** Signs in a viem local account (`overrides` as for siweMessage); returns the session cookie. */
export async function signIn(
  baseUrl: string,
  account: PrivateKeyAccount,
  overrides: Partial<CreateSiweMessageParameters> = {},
): Promise<string> {
  const message = await siweMessage(baseUrl, account, overrides);
  const res = await postVerify(baseUrl, message, await account.signMessage({ message }));
  if (res.status !== 200 || !res.cookie) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.cookie;
}

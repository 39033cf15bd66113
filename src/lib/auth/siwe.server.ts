import { createPublicClient, http, isErc6492Signature, isHex, verifyMessage, type Hex } from 'viem';
import { consumeNonce, nonceIsLive } from './repo.server.ts';
import { checkSiweMessage } from './siwe.ts';
import { parseSignInMessage } from './siwe-grammar.ts';
import type { Database } from '../platform/db/db.server.ts';

export type SiweOutcome = { ok: true; address: string } | { ok: false; reason: string };

export interface SiweContext {
  db: Database;
  origin: string;
  chainIds: readonly number[];
  rpcUrls: Readonly<Record<number, string>>;
  now: Date;
}

/**
 * Verifies a signed EIP-4361 message: its grammar, its fields against this
 * site, that its nonce is live, then the signature (offline for ordinary
 * accounts; through the chain for smart-contract wallets when an RPC URL is
 * configured), and only then uses up the nonce, so a refused message or a
 * bad signature cannot burn someone else's nonce. The liveness check is a
 * read and comes before the signature: recovering a key costs milliseconds
 * of CPU, which a message with an invented nonce must not be able to buy.
 */
export async function verifySiwe(ctx: SiweContext, message: string, signature: string): Promise<SiweOutcome> {
  const parsed = parseSignInMessage(message);
  if (!parsed.ok) return { ok: false, reason: parsed.problem };
  const fields = parsed.fields;
  const problem = checkSiweMessage(fields, { origin: ctx.origin, chainIds: ctx.chainIds, now: ctx.now });
  if (problem) return { ok: false, reason: problem };
  if (!isHex(signature) || signature.length < 4) return { ok: false, reason: 'the signature is malformed' };
  if (!(await nonceIsLive(ctx.db, fields.nonce, ctx.now.getTime()))) return NONCE_REFUSED;
  const address = fields.address;
  // Safe: checkSiweMessage matched it against the configured (number) chain ids.
  const chainId = Number(fields.chainId);

  // An ERC-6492 wrapper (a wallet not deployed yet) can only be checked on chain.
  let valid = false;
  let malformed = false;
  if (!isErc6492Signature(signature)) {
    try {
      valid = await verifyMessage({ address, message, signature: signature as Hex });
    } catch {
      // Not an ECDSA signature; a contract wallet may still accept it.
      malformed = true;
    }
  }
  if (!valid) {
    const rpcUrl = ctx.rpcUrls[chainId];
    if (!rpcUrl) {
      if (malformed) return { ok: false, reason: 'the signature is malformed' };
      return {
        ok: false,
        reason: `the signature was not made by ${address} (smart-contract wallets can sign in only where RPC_URL_${chainId} is configured)`,
      };
    }
    // ERC-1271 for deployed contract wallets, ERC-6492 for ones not deployed yet.
    const client = createPublicClient({ transport: http(rpcUrl, { timeout: 10_000 }) });
    try {
      valid = await client.verifyMessage({ address, message, signature: signature as Hex });
    } catch {
      return { ok: false, reason: 'the chain could not be asked to check this smart-contract wallet signature' };
    }
    if (!valid) return { ok: false, reason: `the signature was not made by ${address}` };
  }
  if (!(await consumeNonce(ctx.db, fields.nonce, ctx.now.getTime()))) return NONCE_REFUSED;
  return { ok: true, address };
}

const NONCE_REFUSED: SiweOutcome = { ok: false, reason: 'the nonce is unknown, expired or already used' };

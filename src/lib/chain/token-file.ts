import { stringify } from 'yaml';
import { symbolKey, TOKEN_SYMBOL } from '../content/schemas.ts';
import { splitCsvLine } from './holders-csv.ts';
import { LABEL_KINDS, tokenDefinitionSchema, type LabelKind, type TokenDefinition } from './schemas.ts';

/**
 * The token file `npm run token:add` writes, from what the contract said:
 * pure, so the file is checked against the token schema before it is written
 * and its contents can be tested without a chain.
 */

/** What token:add read from the chain. */
export interface ContractFacts {
  chainId: number;
  address: string;
  name: string;
  symbol: string;
  decimals: number;
  totalSupply: bigint;
  deployBlock: number;
}

export type Labels = TokenDefinition['labels'];

/** `address,name,kind` rows (a header row first) → labels, or the first bad line. */
export function parseLabelsCsv(
  text: string,
): { ok: true; labels: Labels } | { ok: false; line: number; reason: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const header = (splitCsvLine(lines[0] ?? '') ?? []).map((h) => h.toLowerCase());
  if (header.join(',') !== 'address,name,kind') {
    return { ok: false, line: 1, reason: 'the header must be address,name,kind' };
  }
  const labels: Labels = {};
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    const fields = splitCsvLine(raw);
    if (!fields || fields.length !== 3) return { ok: false, line: i + 1, reason: 'expected address,name,kind' };
    const [address = '', name = '', kind = ''] = fields;
    if (!/^0x[0-9a-fA-F]{40}$/.test(address))
      return { ok: false, line: i + 1, reason: `"${address}" is not an address` };
    if (name === '') return { ok: false, line: i + 1, reason: 'the name is empty' };
    if (!(LABEL_KINDS as readonly string[]).includes(kind)) {
      return { ok: false, line: i + 1, reason: `"${kind}" is not one of ${LABEL_KINDS.join(', ')}` };
    }
    const key = address.toLowerCase();
    if (Object.keys(labels).some((a) => a.toLowerCase() === key)) {
      return { ok: false, line: i + 1, reason: `${address} is labelled twice` };
    }
    labels[address] = { name, kind: kind as LabelKind };
  }
  return { ok: true, labels };
}

/** The symbol the file is written under: `--symbol`, else the contract's own, checked; or why neither will do. */
export function chooseSymbol(contractSymbol: string, override: string | undefined): string | { problem: string } {
  const symbol = override ?? contractSymbol;
  const checked = TOKEN_SYMBOL.safeParse(symbol);
  if (checked.success) return symbol;
  const message = checked.error.issues[0]?.message ?? 'not a token symbol';
  return override === undefined
    ? { problem: `the contract's symbol "${contractSymbol}" cannot be used (${message}); pass --symbol` }
    : { problem: `--symbol ${override}: ${message}` };
}

/** The YAML text of the token file, checked by the token schema; the environment variable is RPC_URL_<chainId>. */
export function tokenFileText(facts: ContractFacts, symbol: string, labels: Labels): string {
  const definition = {
    symbol,
    name: facts.name,
    chainId: facts.chainId,
    address: facts.address,
    decimals: facts.decimals,
    deployBlock: facts.deployBlock,
    rpcEnv: `RPC_URL_${facts.chainId}`,
    labels,
    unlocks: [],
  };
  const checked = tokenDefinitionSchema.safeParse(definition);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`the token file would be invalid: ${issues}`);
  }
  const header = [
    `# ${facts.name} (${symbol}), added by npm run token:add from chain ${facts.chainId}.`,
    `# totalSupply() was ${facts.totalSupply} base units when it was read; deployBlock is where its code first appears.`,
    '# Label exchanges, team, vesting and treasury wallets below, so the circulating scope leaves them out.',
  ];
  return `${header.join('\n')}\n${stringify(definition, { lineWidth: 0 })}`;
}

/** Where the file goes: `<dir>/<symbol, lower-case>.yaml`. */
export const tokenFileName = (symbol: string): string => `${symbolKey(symbol)}.yaml`;

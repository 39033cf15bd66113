import { isAddress } from 'viem';

/**
 * Holder exports parsed into exact base units: the explorers' own token-holder
 * downloads (HOLDER_FORMATS) or a plain "address,balance" file. Pure and
 * strict: the header must be one of the known ones, and the first bad row
 * stops the parse with its line number and the reason, because a snapshot
 * built from a half-read file would be wrong without saying so.
 */

export interface Holder {
  /** Lower-case 0x address. */
  address: string;
  /** Base units (balance × 10^decimals), exact. */
  balance: bigint;
}

export type CsvResult =
  { ok: true; format: HolderFormat['name']; holders: Holder[] } | { ok: false; line: number; reason: string };

/**
 * The headers understood, exactly (case and quoting aside). Balances are
 * decimal token amounts in every one; explorers may group thousands ("2,500.5").
 */
export const HOLDER_FORMATS = [
  // Etherscan's "Download CSV" on a token's holders tab: every field quoted.
  { name: 'Etherscan', columns: ['HolderAddress', 'Balance', 'PendingBalanceUpdate'] },
  // BscScan (and the other Etherscan-family explorers that number the rows).
  { name: 'BscScan', columns: ['HolderRank', 'HolderAddress', 'Balance', 'PendingBalanceUpdate'] },
  // Blockscout's token-holders export (Explorer.Chain.CsvExport.Token.Holders): checksummed addresses, CRLF rows.
  { name: 'Blockscout', columns: ['HolderAddress', 'Balance'] },
  { name: 'address,balance', columns: ['address', 'balance'] },
] as const;
export type HolderFormat = (typeof HOLDER_FORMATS)[number];

const normalise = (name: string): string => name.trim().toLowerCase();

/** The format a header row names, or null. */
export function holderFormatOf(header: readonly string[]): HolderFormat | null {
  const names = header.map(normalise);
  return (
    HOLDER_FORMATS.find(
      (f) => f.columns.length === names.length && f.columns.every((c, i) => normalise(c) === names[i]),
    ) ?? null
  );
}

/** Addresses that mint from or burn into: never counted as holders. */
export const NON_HOLDERS = new Set([
  '0x0000000000000000000000000000000000000000',
  '0x000000000000000000000000000000000000dead',
]);

/** Splits one CSV line, honouring double quotes ("a,b" is one field; "" is a quote). */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return null;
  fields.push(field);
  return fields.map((f) => f.trim());
}

/**
 * "1234.5", "1,234.5" (grouped thousands) or "1234" in whole tokens → base units.
 * @example toBaseUnits('1.5', 18) // 1500000000000000000n
 */
export function toBaseUnits(text: string, decimals: number): bigint | string {
  const plain = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replace(/,/g, '') : text;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(plain);
  if (!match) return `"${text}" is not a non-negative decimal number`;
  const [, whole = '0', fraction = ''] = match;
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > decimals) return `"${text}" has more than ${decimals} decimal places`;
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(trimmed.padEnd(decimals, '0') || '0');
}

export function parseHoldersCsv(text: string, decimals: number): CsvResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const header = splitCsvLine(lines[0] ?? '');
  if (!header || header.every((h) => h === ''))
    return { ok: false, line: 1, reason: 'the file is empty or has no header row' };
  const format = holderFormatOf(header);
  if (!format) {
    const known = HOLDER_FORMATS.map((f) => `${f.name} (${f.columns.join(',')})`).join('; ');
    return { ok: false, line: 1, reason: `the header "${header.join(',')}" is not one this import reads: ${known}` };
  }
  const names = format.columns.map(normalise);
  const addressColumn = names.findIndex((n) => n === 'holderaddress' || n === 'address');
  const balanceColumn = names.indexOf('balance');
  const seen = new Set<string>();
  const holders: Holder[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fields = splitCsvLine(raw);
    if (!fields) return { ok: false, line, reason: 'a quoted field is not closed' };
    if (fields.length !== header.length)
      return { ok: false, line, reason: `expected ${header.length} columns, found ${fields.length}` };
    const address = (fields[addressColumn] ?? '').toLowerCase();
    if (!isAddress(address, { strict: false }))
      return { ok: false, line, reason: `"${fields[addressColumn]}" is not an address` };
    if (seen.has(address)) return { ok: false, line, reason: `${address} appears twice` };
    seen.add(address);
    const balance = toBaseUnits(fields[balanceColumn] ?? '', decimals);
    if (typeof balance === 'string') return { ok: false, line, reason: balance };
    if (balance > 0n && !NON_HOLDERS.has(address)) holders.push({ address, balance });
  }
  return { ok: true, format: format.name, holders };
}

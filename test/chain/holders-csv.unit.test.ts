import { describe, expect, it } from 'vitest';
import { parseHoldersCsv, splitCsvLine, toBaseUnits } from '../../src/lib/chain/holders-csv.ts';

const A = '0x1111111111111111111111111111111111111111';
const B = '0x2222222222222222222222222222222222222222';

describe('toBaseUnits', () => {
  it.each([
    ['1', 18, 10n ** 18n],
    ['1.5', 18, 15n * 10n ** 17n],
    ['0.000000000000000001', 18, 1n],
    ['1,234.5', 2, 123450n],
    ['10.10', 1, 101n],
    ['7', 0, 7n],
  ] as const)('%s with %i decimals', (text, decimals, units) => expect(toBaseUnits(text, decimals)).toBe(units));

  it.each([['-1'], ['1e18'], ['abc'], [''], ['1.2.3'], ['12,34']])('refuses %j', (text) => {
    expect(typeof toBaseUnits(text, 18)).toBe('string');
  });

  it('refuses more decimals than the token has', () => expect(toBaseUnits('0.123', 2)).toMatch(/more than 2 decimal/));
});

describe('splitCsvLine', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"a","b,c"', ['a', 'b,c']],
    ['"say ""hi"""', ['say "hi"']],
  ])('%s', (line, fields) => expect(splitCsvLine(line)).toEqual(fields));
  it('notices an unclosed quote', () => expect(splitCsvLine('"abc')).toBeNull());
});

describe('parseHoldersCsv', () => {
  it('reads an Etherscan-style export', () => {
    const csv = `"HolderAddress","Balance","PendingBalanceUpdate"\n"${A}","1,000.5","No"\n"${B}","2","No"\n`;
    expect(parseHoldersCsv(csv, 18)).toEqual({
      ok: true,
      format: 'Etherscan',
      holders: [
        { address: A, balance: 10005n * 10n ** 17n },
        { address: B, balance: 2n * 10n ** 18n },
      ],
    });
  });

  it('reads a plain address,balance file, skipping zero balances and burn addresses', () => {
    const csv = `address,balance\n${A},5\n${B},0\n0x000000000000000000000000000000000000dEaD,9\n`;
    expect(parseHoldersCsv(csv, 0)).toEqual({
      ok: true,
      format: 'address,balance',
      holders: [{ address: A, balance: 5n }],
    });
  });

  it('reads BscScan’s export, whose first column ranks the holders', () => {
    const csv = `"HolderRank","HolderAddress","Balance","PendingBalanceUpdate"\n"1","${B}","2,500.5","No"\n"2","${A}","1,000","No"\n`;
    expect(parseHoldersCsv(csv, 18)).toEqual({
      ok: true,
      format: 'BscScan',
      holders: [
        { address: B, balance: 25005n * 10n ** 17n },
        { address: A, balance: 1000n * 10n ** 18n },
      ],
    });
  });

  it('reads Blockscout’s export: checksummed addresses, unquoted, CRLF rows, plain decimals', () => {
    const checksummed = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    const csv = `HolderAddress,Balance\r\n${checksummed},1234.56789\r\n${A},100.0\r\n`;
    expect(parseHoldersCsv(csv, 6)).toEqual({
      ok: true,
      format: 'Blockscout',
      holders: [
        { address: checksummed.toLowerCase(), balance: 1_234_567_890n },
        { address: A, balance: 100_000_000n },
      ],
    });
  });

  it('names every header it understands when a file has another', () => {
    const result = parseHoldersCsv(`Account,Token Acct,Quantity,Percentage\n${A},x,1,1\n`, 18);
    expect(result).toEqual({
      ok: false,
      line: 1,
      reason: expect.stringContaining('"Account,Token Acct,Quantity,Percentage"'),
    });
    if (result.ok) return;
    for (const known of [
      'Etherscan (HolderAddress,Balance,PendingBalanceUpdate)',
      'BscScan (HolderRank,HolderAddress,Balance,PendingBalanceUpdate)',
      'Blockscout (HolderAddress,Balance)',
      'address,balance (address,balance)',
    ])
      expect(result.reason).toContain(known);
    // The right names in another order are another file, not this one.
    expect(parseHoldersCsv(`balance,address\n1,${A}\n`, 18).ok).toBe(false);
  });

  it.each([
    ['', 1, /empty/],
    ['foo,bar\n', 1, /not one this import reads/],
    [`address,balance\n0x123,1\n`, 2, /not an address/],
    [`address,balance\n${A},1\n${A.toUpperCase().replace('0X', '0x')},2\n`, 3, /appears twice/],
    [`address,balance\n${A},-4\n`, 2, /not a non-negative/],
    [`address,balance\n${A},1,extra\n`, 2, /expected 2 columns/],
    [`address,balance\n${A},1\n\n${B},oops\n`, 4, /"oops"/],
    [`address,balance\n"${A},1\n`, 2, /quoted field/],
  ])('stops at the first bad row: %j', (csv, line, reason) => {
    const result = parseHoldersCsv(csv, 18);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.line).toBe(line);
      expect(result.reason).toMatch(reason);
    }
  });
});

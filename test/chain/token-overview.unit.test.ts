import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localizeToken, localText, untranslated } from '../../src/lib/chain/local-text.ts';
import { sparkline, tokenOverview } from '../../src/lib/chain/overview.ts';
import { tokenDefinitionSchema, type TokenDefinition } from '../../src/lib/chain/schemas.ts';
import { loadYamlDir } from '../../src/lib/content/yaml.server.ts';

const TOKENS = fileURLToPath(new URL('../../src/content/tokens/', import.meta.url));

const token: TokenDefinition = tokenDefinitionSchema.parse({
  symbol: 'ABC',
  name: 'Alphabet token',
  nameLabels: { zh: '字母代币' },
  description: 'Pays for letters.',
  chainId: 1,
  rpcEnv: 'RPC_URL_1',
  labels: {
    '0x000000000000000000000000000000000000cafe': { name: 'Treasury', nameLabels: { zh: '金库' }, kind: 'treasury' },
    '0x000000000000000000000000000000000000beef': { name: 'Big exchange', kind: 'exchange' },
  },
  unlocks: [{ date: '2027-01-01', amount: '5', recipient: 'team cliff', recipientLabels: { 'zh-Hans': '团队' } }],
});

describe("a token file's texts in the page's language", () => {
  it.each([
    ['English page', 'Treasury', { zh: '金库' }, 'en', { text: 'Treasury', lang: 'en' }],
    ['translated', 'Treasury', { zh: '金库' }, 'zh', { text: '金库', lang: 'zh' }],
    ['a script-tagged key', 'Treasury', { 'zh-Hans': '金库' }, 'zh', { text: '金库', lang: 'zh' }],
    ['untranslated: English, and says so', 'Treasury', undefined, 'zh', { text: 'Treasury', lang: 'en' }],
  ] as const)('%s', (_, text, labels, locale, expected) => expect(localText(text, labels, locale)).toEqual(expected));

  it('localizes the name, the description, label names and unlock recipients, and keeps English where untranslated', () => {
    const zh = localizeToken(token, 'zh');
    expect(zh.name).toBe('字母代币');
    expect(zh.description).toBe('Pays for letters.');
    expect(Object.values(zh.labels).map((l) => l.name)).toEqual(['金库', 'Big exchange']);
    expect(zh.unlocks.map((u) => u.recipient)).toEqual(['团队']);
    // Everything else is the file's: what the page computes from it does not change with the language.
    expect({ ...zh, name: token.name, description: token.description }).toMatchObject({
      symbol: 'ABC',
      chainId: 1,
      cohorts: token.cohorts,
    });
    expect(localizeToken(token, 'en')).toEqual(token);
  });

  it('names what is left untranslated', () => {
    expect(untranslated(token, 'zh')).toEqual([
      'description',
      'labels.0x000000000000000000000000000000000000beef.name',
    ]);
    expect(untranslated(token, 'en')).toEqual([]);
  });

  it('finds every reader text of the shipped token files translated into Chinese', () => {
    const files = loadYamlDir(TOKENS, tokenDefinitionSchema);
    expect(files.length).toBeGreaterThan(0);
    for (const { file, data } of files) expect(untranslated(data, 'zh'), file).toEqual([]);
  });
});

describe('the tokens index', () => {
  const metrics = (holderCount: number, top10Share: number) =>
    ({ all: { holderCount, top10Share } }) as unknown as Parameters<typeof tokenOverview>[0][number]['metrics'];

  it('takes the latest snapshot (the last by block) and the holders at each', () => {
    expect(
      tokenOverview([
        { block: 1, takenAt: 1000, metrics: metrics(5, 1), simulated: false },
        { block: 9, takenAt: 5000, metrics: metrics(40, 0.5), simulated: true },
      ]),
    ).toEqual({
      takenAt: 5000,
      block: 9,
      holders: 40,
      top10Share: 0.5,
      trend: [
        { at: 1000, value: 5 },
        { at: 5000, value: 40 },
      ],
      simulated: true,
    });
    expect(tokenOverview([])).toBeNull();
  });

  it.each([
    ['one point is no line', [{ at: 0, value: 1 }], [0, 1], null],
    [
      'from the bottom left to the top right',
      [
        { at: 0, value: 0 },
        { at: 10, value: 1 },
      ],
      [0, 1],
      '1,19 99,1',
    ],
    [
      'x by time: the gap of 30 is three times the gap of 10',
      [
        { at: 0, value: 2 },
        { at: 10, value: 2 },
        { at: 40, value: 2 },
      ],
      [0, 4],
      '1,10 25.5,10 99,10',
    ],
    [
      'over the domain, not the values: 100 to 99 stays near the top',
      [
        { at: 0, value: 100 },
        { at: 1, value: 99 },
      ],
      [0, 100],
      '1,1 99,1.2',
    ],
    [
      'an empty domain draws nothing',
      [
        { at: 0, value: 0 },
        { at: 1, value: 0 },
      ],
      [0, 0],
      null,
    ],
  ] as const)('%s', (_, points, domain, expected) => expect(sparkline(points, 100, 20, domain)).toBe(expected));

  it('keeps every point inside its box, in time order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ at: fc.integer({ min: 0, max: 1e12 }), value: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }),
          {
            minLength: 2,
            maxLength: 40,
          },
        ),
        (raw) => {
          const points = [...raw].sort((a, b) => a.at - b.at);
          const line = sparkline(points, 120, 32, [0, 1000]);
          const xy = (line ?? '').split(' ').map((p) => p.split(',').map(Number) as [number, number]);
          expect(xy).toHaveLength(points.length);
          for (const [x, y] of xy) {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(120);
            expect(y).toBeGreaterThanOrEqual(0);
            expect(y).toBeLessThanOrEqual(32);
          }
          for (let i = 1; i < xy.length; i++) expect(xy[i]?.[0]).toBeGreaterThanOrEqual(xy[i - 1]?.[0] ?? 0);
        },
      ),
    );
  });
});

/**
 * Which font files a card needs. Fontsource splits each family into subsets
 * by unicode-range (Noto Sans SC into about a hundred), and satori takes a
 * subset file only as a font of its own name: so the card's text decides
 * which subsets are loaded, and each is given its own name. Pure: the
 * ranges come in as the packages' unicode.json maps.
 */

/** An inclusive range of code points. */
export type CodePointRange = readonly [from: number, to: number];

/** A font family as fontsource publishes it: subset name → CSS unicode-range. */
export interface FontFamilySubsets {
  family: string;
  subsets: Readonly<Record<string, string>>;
}

export interface PlannedSubset {
  family: string;
  subset: string;
}

/**
 * A CSS `unicode-range` value as ranges.
 *
 * @example parseUnicodeRange('U+0000-00FF,U+0131,U+4E??') // [[0, 255], [305, 305], [19968, 20223]]
 */
export function parseUnicodeRange(value: string): CodePointRange[] {
  const ranges: CodePointRange[] = [];
  for (const part of value.split(',')) {
    const match = /^\s*U\+([0-9a-f?]{1,6})(?:-([0-9a-f]{1,6}))?\s*$/i.exec(part);
    if (!match) continue;
    const [, start = '', end] = match;
    if (start.includes('?')) {
      ranges.push([parseInt(start.replaceAll('?', '0'), 16), parseInt(start.replaceAll('?', 'f'), 16)]);
    } else {
      const from = parseInt(start, 16);
      ranges.push([from, end === undefined ? from : parseInt(end, 16)]);
    }
  }
  return ranges;
}

export function rangesCover(ranges: readonly CodePointRange[], codePoint: number): boolean {
  return ranges.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/**
 * The subsets to load for `text`, families in order of preference: each
 * character is drawn from the first family that has it, so only that
 * family's subset is needed. Characters no family covers are left out (they
 * would render as empty boxes whatever is loaded).
 *
 * @example
 * planSubsets('Hi 你', [{ family: 'Noto Sans', subsets: { latin: 'U+0000-00FF' } },
 *   { family: 'Noto Sans SC', subsets: { '[97]': 'U+4F60', latin: 'U+0000-00FF' } }])
 * // [{ family: 'Noto Sans', subset: 'latin' }, { family: 'Noto Sans SC', subset: '[97]' }]
 */
export function planSubsets(text: string, families: readonly FontFamilySubsets[]): PlannedSubset[] {
  const parsed = families.map(({ family, subsets }) => ({
    family,
    subsets: Object.entries(subsets).map(([subset, range]) => ({ subset, ranges: parseUnicodeRange(range) })),
  }));
  const needed = new Set<string>();
  for (const char of new Set(text)) {
    const codePoint = char.codePointAt(0) ?? 0;
    search: for (const { family, subsets } of parsed) {
      for (const { subset, ranges } of subsets) {
        if (rangesCover(ranges, codePoint)) {
          needed.add(JSON.stringify([family, subset]));
          break search;
        }
      }
    }
  }
  // In family order, then the package's subset order, so the fallback order satori sees is stable.
  return parsed.flatMap(({ family, subsets }) =>
    subsets
      .filter(({ subset }) => needed.has(JSON.stringify([family, subset])))
      .map(({ subset }) => ({ family, subset })),
  );
}

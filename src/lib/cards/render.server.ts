import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import satori, { type Font } from 'satori';
import { CARD_HEIGHT, CARD_WIDTH, cardText, type CardLang, type CardNode } from './card.ts';
import { planSubsets, type FontFamilySubsets, type PlannedSubset } from './fonts.ts';
import { memoized } from '../platform/caching/memo.ts';

/**
 * Share cards to PNG: the fonts a card's text needs, read from the
 * fontsource packages (never the system's, so a card looks the same on
 * every machine), satori for the layout and resvg for the pixels.
 */

/** The weights the layouts use (card.ts): regular and bold. */
const WEIGHTS = [400, 700] as const;

interface FontPackage {
  family: string;
  /** npm package, resolved from here so it works from the source tree and from dist/ alike. */
  pkg: string;
  /** File name prefix in the package's files/ folder. */
  prefix: string;
}

const NOTO_SANS: FontPackage = { family: 'Noto Sans', pkg: '@fontsource/noto-sans', prefix: 'noto-sans' };
const NOTO_SANS_SC: FontPackage = { family: 'Noto Sans SC', pkg: '@fontsource/noto-sans-sc', prefix: 'noto-sans-sc' };

/**
 * Families in order of preference per language: Latin first in English, so
 * punctuation keeps Latin widths; the Chinese family first in Chinese, so
 * quotes and colons take their full-width forms (as global.css orders them).
 */
const FAMILIES: Record<CardLang, readonly FontPackage[]> = {
  en: [NOTO_SANS, NOTO_SANS_SC],
  zh: [NOTO_SANS_SC, NOTO_SANS],
};

const require = createRequire(import.meta.url);
const packageDir = memoized((pkg: string): string => dirname(require.resolve(`${pkg}/package.json`)));

/** A package's unicode.json: subset → unicode-range, the same ranges its CSS declares. */
const subsetsOf = memoized((font: FontPackage): Promise<FontFamilySubsets> =>
  readFile(join(packageDir(font.pkg), 'unicode.json'), 'utf8').then((text) => ({
    family: font.family,
    subsets: JSON.parse(text) as Record<string, string>,
  })),
);

/** Font files, read once per process: a build renders every post's card, a server its polls' again and again. */
const fontFile = memoized((path: string): Promise<Buffer> => readFile(path));

/** The name satori knows a subset by: its own, since satori reads one file per name and weight. */
const fontName = ({ family, subset }: PlannedSubset): string => `${family} ${subset.replace(/[[\]]/g, '')}`;

/**
 * The fonts for `text` in a card of language `lang`: for each subset that
 * covers some of its characters, the regular and the bold WOFF (satori reads
 * WOFF, not WOFF2), in the language's order of preference.
 */
export async function fontsFor(text: string, lang: CardLang): Promise<Font[]> {
  const packages = FAMILIES[lang];
  const maps = await Promise.all(packages.map(subsetsOf));
  const plan = planSubsets(text, maps);
  return Promise.all(
    plan.flatMap((planned) => {
      const font = packages.find((p) => p.family === planned.family) ?? NOTO_SANS;
      const file = `${font.prefix}-${planned.subset.replace(/[[\]]/g, '')}`;
      return WEIGHTS.map(async (weight): Promise<Font> => ({
        name: fontName(planned),
        weight,
        style: 'normal',
        data: await fontFile(join(packageDir(font.pkg), 'files', `${file}-${weight}-normal.woff`)),
      }));
    }),
  );
}

/** The card's language, from the root's `lang` that card.ts sets. */
function langOf(node: CardNode): CardLang {
  return node.props.lang?.startsWith('zh') ? 'zh' : 'en';
}

/**
 * A card as a 1200×630 PNG. `fonts` defaults to those its text needs (see
 * fontsFor); tests pass others to compare.
 */
export async function renderCard(node: CardNode, fonts?: Font[]): Promise<Buffer> {
  const loaded = fonts ?? (await fontsFor(cardText(node), langOf(node)));
  // Every subset by name, in order: satori takes each character from the first that has it.
  const fontFamily = [...new Set(loaded.map((f) => `'${f.name}'`))].join(', ');
  const root = { ...node, props: { ...node.props, style: { ...node.props.style, fontFamily } } };
  // satori's types ask for a React node; a plain { type, props } tree is what it reads.
  const svg = await satori(root as unknown as Parameters<typeof satori>[0], {
    width: CARD_WIDTH,
    height: CARD_HEIGHT,
    fonts: loaded,
  });
  // Text arrives as paths: resvg needs no fonts of its own, so none from the system are loaded.
  const image = await renderAsync(svg, { fitTo: { mode: 'original' }, font: { loadSystemFonts: false } });
  return image.asPng();
}

/** Words a minute for Latin-script prose, a common estimate for screen reading. */
export const WORDS_PER_MINUTE = 230;
/** Characters a minute for Chinese/Japanese prose, where there are no spaces to count. */
export const CJK_CHARS_PER_MINUTE = 450;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** Strips Markdown/MDX syntax that is not read aloud: code, tags, link targets. */
export function proseOf(markdown: string): string {
  return markdown
    .replace(/^---[\s\S]*?---/, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/^(import|export)\s.*$/gm, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\]\([^)]*\)/g, ' ');
}

/**
 * Minutes to read, at least 1. CJK characters and Latin words are counted
 * separately because a mixed post reads at two speeds.
 * @example readingMinutes('word '.repeat(460)) // 2
 */
export function readingMinutes(markdown: string): number {
  const prose = proseOf(markdown);
  const cjk = prose.match(CJK)?.length ?? 0;
  const words = prose.replace(CJK, ' ').match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)?.length ?? 0;
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE + cjk / CJK_CHARS_PER_MINUTE));
}

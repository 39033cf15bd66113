/**
 * Category labels that fit beside a chart's bars: broken into lines (Chart.js
 * draws a string[] label as lines) rather than cut off at the canvas's edge.
 */

/** Han, kana, Hangul and full-width marks (U+2E80 on): a line may break before or after any of them. */
const wide = (char: string): boolean => char >= '\u2e80';
/** Closing marks, final quotes and other punctuation (，。：、…): they may not start a line. */
const CLOSING = /[\p{Pe}\p{Pf}\p{Po}]/u;
/** Opening marks and initial quotes (（「“): they may not end a line. */
const OPENING = /[\p{Ps}\p{Pi}]/u;

interface Piece {
  text: string;
  /** Whether a space stood before it (kept inside a line, dropped where the line breaks). */
  spaced: boolean;
}

/** Words, and single CJK characters, with opening and closing marks kept with their neighbours. */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let spaced = false;
  // Whether the next character may join the last piece: inside a word, or after an opening mark.
  let joinable: 'word' | 'glue' | null = null;
  for (const char of text) {
    if (/\s/u.test(char)) {
      spaced = out.length > 0;
      joinable = null;
      continue;
    }
    const last = out.at(-1);
    const cjk = wide(char);
    if (last && !spaced && (CLOSING.test(char) || joinable === 'glue' || (joinable === 'word' && !cjk))) {
      last.text += char;
    } else {
      out.push({ text: char, spaced });
    }
    joinable = OPENING.test(char) ? 'glue' : cjk ? null : 'word';
    spaced = false;
  }
  return out;
}

/** A word too wide for any line, cut between characters. */
function splitWord(word: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const char of word) {
    if (line && measure(line + char) > maxWidth) {
      lines.push(line);
      line = '';
    }
    line += char;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Breaks `text` into lines no wider than `maxWidth` as `measure` counts
 * width (a canvas's measureText, or characters in a test): between words in
 * alphabetic scripts, between any two characters in Chinese and Japanese, but
 * never before a closing mark nor after an opening one; inside a word only
 * when the word alone is wider than a line.
 *
 * @example wrapLabel('Yes: small holders hold more of it', 12, (s) => s.length)
 * // ['Yes: small', 'holders hold', 'more of it']
 * @example wrapLabel('是：小额持有者持有更多', 4, (s) => s.length) // ['是：小额', '持有者持', '有更多']
 */
export function wrapLabel(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces(text)) {
    const joined = line + (line && piece.spaced ? ' ' : '') + piece.text;
    if (!line || measure(joined) <= maxWidth) {
      line = joined;
    } else {
      lines.push(line);
      line = piece.text;
    }
    if (measure(line) > maxWidth) {
      const parts = splitWord(line, maxWidth, measure);
      lines.push(...parts.slice(0, -1));
      line = parts.at(-1) ?? '';
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

import { describe, expect, it } from 'vitest';
import { readingMinutes } from '../../src/lib/content/reading-time.ts';

describe('readingMinutes', () => {
  it.each([
    ['empty text still takes a minute', '', 1],
    ['230 words is one minute', 'word '.repeat(230), 1],
    ['460 words is two minutes', 'word '.repeat(460), 2],
    ['900 Han characters is two minutes', '观'.repeat(900), 2],
    ['mixed scripts add up', `${'word '.repeat(230)}${'观'.repeat(450)}`, 2],
    ['code blocks are not read', `${'word '.repeat(230)}\n\`\`\`\n${'x '.repeat(5000)}\n\`\`\``, 1],
    [
      'MDX imports and tags are not read',
      `import X from './x'\n\n<X a="${'b '.repeat(900)}" />\n${'w '.repeat(230)}`,
      1,
    ],
  ])('%s', (_name, text, minutes) => {
    expect(readingMinutes(text)).toBe(minutes);
  });
});

import { createMarkdownProcessor } from '@astrojs/markdown-remark';
import { describe, expect, it } from 'vitest';
import {
  remarkSocialLinks,
  splitSocial,
  tagPath,
  tokenPath,
  type SocialLinkOptions,
} from '../../src/lib/content/social-links.ts';

async function render(markdown: string, options: SocialLinkOptions = {}): Promise<string> {
  const processor = await createMarkdownProcessor({ remarkPlugins: [[remarkSocialLinks, options]] });
  return (await processor.render(markdown)).code.trim();
}

describe('splitSocial', () => {
  it.each([
    ['buy $OPG now', ['buy ', { kind: 'cashtag', text: '$OPG', value: 'OPG' }, ' now']],
    [
      '$btc, $ETH.',
      [{ kind: 'cashtag', text: '$btc', value: 'BTC' }, ', ', { kind: 'cashtag', text: '$ETH', value: 'ETH' }, '.'],
    ],
    ['costs $5 or US$10', ['costs $5 or US$10']],
    ['$TOOLONGSYMBOL1', ['$TOOLONGSYMBOL1']],
    ['#OPG', [{ kind: 'hashtag', text: '#OPG', value: 'OPG' }]],
    ['话题#观察 ok', ['话题#观察 ok']],
    ['话题 #观察 ok', ['话题 ', { kind: 'hashtag', text: '#观察', value: '观察' }, ' ok']],
    ['issue #1 and a#b', ['issue #1 and a#b']],
    ['thanks @OpenGradient!', ['thanks ', { kind: 'mention', text: '@OpenGradient', value: 'OpenGradient' }, '!']],
    ['mail me@example.com', ['mail me@example.com']],
    ['(@a_b) and $$X', ['(', { kind: 'mention', text: '@a_b', value: 'a_b' }, ') and $$X']],
    ['no tags here', ['no tags here']],
  ])('%j', (input, expected) => {
    expect(splitSocial(input)).toEqual(expected);
  });

  it('keeps every character of the input, in order', () => {
    const input = 'A $OPG, #OPG and @OpenGradient; $5 #1 a@b';
    const joined = splitSocial(input)
      .map((s) => (typeof s === 'string' ? s : s.text))
      .join('');
    expect(joined).toBe(input);
  });
});

describe('paths', () => {
  it.each([
    [tokenPath('OPG'), '/tokens/opg/'],
    [tagPath('OPG'), '/tags/opg/'],
    [tagPath('观察'), `/tags/${encodeURIComponent('观察')}/`],
  ])('%s', (actual, expected) => expect(actual).toBe(expected));
});

describe('remarkSocialLinks in the unified pipeline', () => {
  it.each([
    ['cashtag', 'Watch $OPG today.', '<p>Watch <a href="/tokens/opg/" class="cashtag">$OPG</a> today.</p>'],
    ['hashtag', 'Tagged #OPG', '<p>Tagged <a href="/tags/opg/" class="hashtag">#OPG</a></p>'],
    [
      'mention',
      'By @OpenGradient',
      '<p>By <a href="https://x.com/OpenGradient" class="mention" rel="noopener external">@OpenGradient</a></p>',
    ],
    ['inline code stays code', 'Run `echo $OPG`', '<p>Run <code>echo $OPG</code></p>'],
    ['existing links stay as written', '[see $OPG](/x)', '<p><a href="/x">see $OPG</a></p>'],
    ['inside emphasis', '*hold $ETH*', '<p><em>hold <a href="/tokens/eth/" class="cashtag">$ETH</a></em></p>'],
    [
      'headings are marked up too',
      '## Why $OPG',
      '<h2 id="why-opg">Why <a href="/tokens/opg/" class="cashtag">$OPG</a></h2>',
    ],
  ])('%s', async (_name, markdown, html) => {
    expect(await render(markdown)).toBe(html);
  });

  it('renders a mention as a styled span when no profile URL is known', async () => {
    expect(await render('Hi @someone', { mentionUrl: () => null })).toBe(
      '<p>Hi <span class="mention">@someone</span></p>',
    );
  });

  it('escapes what it does not link', async () => {
    expect(await render('a <b> $OPG &amp;')).toContain('<a href="/tokens/opg/" class="cashtag">$OPG</a>');
  });
});

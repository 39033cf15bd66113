import { describe, expect, it } from 'vitest';
import { serverForTests } from '../helpers/server.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

const env = serverForTests();
const get = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${env.server.url}${path}`, { redirect: 'manual', ...init });
const page = async (path: string): Promise<string> => {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return res.text();
};

/** The page's own language and its alternates, as a crawler reads them. */
function languages(html: string) {
  const attr = (pattern: RegExp): string | null => pattern.exec(html)?.[1] ?? null;
  const alternates = Object.fromEntries(
    [...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/g)].map((m) => [
      m[1],
      new URL(m[2] ?? '').pathname,
    ]),
  );
  return {
    lang: attr(/<html lang="([^"]+)"/),
    ogLocale: attr(/<meta property="og:locale" content="([^"]+)"/),
    canonical: new URL(attr(/<link rel="canonical" href="([^"]+)"/) ?? 'x:/').pathname,
    alternates,
    switcher: attr(/<a class="lang-switch" href="([^"]+)"/),
  };
}

// One of every page type, prerendered and rendered on demand.
const PAGES = [
  '/',
  '/about/',
  '/tags/',
  '/tags/opg/',
  '/search/',
  '/posts/opg-liquidity-ghost/',
  '/posts/opgsim-demo/',
  '/polls/',
  '/polls/opg-liquidity-ghost/',
  '/tokens/opg/',
  '/tokens/opgsim/',
];

describe('two languages', () => {
  it.each(PAGES)(
    '%s and its Chinese twin name each other as hreflang pairs, with their own lang and og:locale',
    async (path) => {
      const zhPath = path === '/' ? '/zh/' : `/zh${path}`;
      const en = languages(await page(path));
      const zh = languages(await page(zhPath));
      expect(en).toMatchObject({ lang: 'en', ogLocale: 'en_US', canonical: path, switcher: zhPath });
      expect(zh).toMatchObject({ lang: 'zh-Hans', ogLocale: 'zh_CN', canonical: zhPath, switcher: path });
      const pair = { en: path, 'zh-Hans': zhPath, 'x-default': path };
      expect(en.alternates).toEqual(pair);
      expect(zh.alternates).toEqual(pair);
    },
  );

  it('keeps account pages out of the index in both languages, with the switcher still there', async () => {
    const pairs: [string, string][] = [
      ['/account/', '/zh/account/'],
      ['/zh/account/', '/account/'],
    ];
    for (const [path, other] of pairs) {
      const html = await page(path);
      expect(html).toContain('<meta name="robots" content="noindex">');
      expect(languages(html)).toMatchObject({ alternates: {}, switcher: other });
    }
  });

  it('answers unknown Chinese paths with the Chinese 404 page, and any other prefix with a 404', async () => {
    const missing = await get('/zh/no-such-page/');
    expect(missing.status).toBe(404);
    const html = await missing.text();
    expect(html).toContain('<html lang="zh-Hans">');
    expect(html).toContain('页面不存在');
    for (const path of ['/fr/polls/opg-liquidity-ghost/', '/en/about/', '/zh/zh/about/', '/fr/tokens/opg/']) {
      expect((await get(path)).status, path).toBe(404);
    }
    expect(await (await get('/no-such-page/')).text()).toContain('Page not found');
  });

  it('lists Chinese posts on the Chinese home page, and untranslated ones marked as English', async () => {
    const home = await page('/zh/');
    expect(home).toContain('href="/zh/posts/opg-liquidity-ghost/"');
    expect(home).toContain('流动性幽灵');
    expect(home).toMatch(/data-post-lang="en"[^>]*>\s*英文/);
    // Each post once: the English original of a translated post is not listed beside it.
    expect(home.match(/href="\/zh\/posts\/opg-liquidity-ghost\/"/g)).toHaveLength(1);
    const english = await page('/');
    expect(english).not.toContain('流动性幽灵');
    expect(english).not.toContain('data-post-lang');
  });

  it('shows a poll in Chinese on the Chinese site, with the English labels one click away', async () => {
    const html = await page('/zh/polls/opg-liquidity-ghost/');
    // Issue 36: the reader's language only; the other sits in a <details> marked with its language.
    expect(html).toMatch(/class="poll-question"[^>]*>\s*关于 OPG，接下来我们最该深挖哪一块？\s*</);
    expect(html).toContain('大户默默在吸筹吗');
    expect(html).toMatch(
      /<details class="poll-other-language">[\s\S]*?<div lang="en"[^>]*>[\s\S]*?Are the whales quietly accumulating\?/,
    );
    expect(html).toContain('投票已结束');
    expect(html).toContain('3 票');
    // The same figures as the English page.
    const english = await page('/polls/opg-liquidity-ghost/');
    const shares = (text: string) => [...text.matchAll(/data-percent[^>]*>(\d+%)/g)].map((m) => m[1]);
    expect(shares(html)).toEqual(shares(english));
    expect(shares(html)).toEqual(['34%', '33%', '0%', '33%']);
  });

  it('tells a no-JavaScript voter why a vote was refused in the page’s language', async () => {
    const vote = (path: string) =>
      get(`${path}?_action=polls.vote`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: env.server.url },
        body: 'pollId=opg-liquidity-ghost&optionIds=node-losses',
      });
    const zh = await vote('/zh/polls/opg-liquidity-ghost/');
    expect(zh.status).toBe(409);
    expect(await zh.text()).toMatch(/data-message[^>]*>\s*这个投票已经结束。/);
    const en = await vote('/polls/opg-liquidity-ghost/');
    expect(await en.text()).toMatch(/data-message[^>]*>\s*Voting in this poll has closed\./);
  });

  it('publishes one feed per language', async () => {
    const zh = await page('/zh/rss.xml');
    expect(zh).toContain('<language>zh-Hans</language>');
    expect(zh).toContain('/zh/posts/opg-liquidity-ghost/</link>');
    expect(zh).toContain('/zh/posts/opgsim-demo/</link>');
    expect(zh).toMatch(/<atom:link href="[^"]*\/zh\/rss\.xml" rel="self"/);
    const en = await page('/rss.xml');
    expect(en).toContain('<language>en</language>');
    expect(en).not.toContain('/zh/');
  });

  it('lists both languages in the sitemap, each page with its alternate, and no account page', async () => {
    const sitemap = await page('/sitemap-0.xml');
    for (const path of [
      '/zh/',
      '/zh/posts/opg-liquidity-ghost/',
      '/zh/polls/opg-liquidity-ghost/',
      '/zh/tokens/',
      '/zh/tokens/opg/',
    ]) {
      expect(sitemap).toContain(`${path}</loc>`);
    }
    expect(sitemap).toMatch(/hreflang="zh-Hans" href="[^"]*\/zh\/posts\/opg-liquidity-ghost\/"/);
    expect(sitemap).not.toContain('/account/');
  });

  it('shares one discussion between a post and its translation', async () => {
    const account = newAccount();
    const cookie = await signIn(env.server.url, account);
    const body = `Both languages see this ${Date.now()}`;
    const posted = await get('/api/posts/opg-liquidity-ghost/comments', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: env.server.url },
      body: JSON.stringify({ body }),
    });
    expect(posted.status).toBe(201);
    const zh = await page('/zh/posts/opg-liquidity-ghost/comments/');
    const en = await page('/posts/opg-liquidity-ghost/comments/');
    expect(zh).toContain(body);
    expect(en).toContain(body);
    expect(zh).toContain('关于《流动性幽灵：$OPG 推理节点，究竟是谁在赚钱？》的讨论');
    expect(zh).toContain('最新在前');
  });
});

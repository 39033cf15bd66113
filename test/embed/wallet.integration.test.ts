import { describe, expect, it } from 'vitest';
import { FIXTURE_POLLS } from '../helpers/polls.ts';
import { serverForTests } from '../helpers/server.ts';

const env = serverForTests({ env: { POLLS_DIR: FIXTURE_POLLS } });

describe('a wallet-only poll in the embed', () => {
  it('links out to the site to sign in, since a session made inside another site’s frame would not hold', async () => {
    for (const [path, page, words] of [
      ['/polls/wallet-only/embed/', '/polls/wallet-only/', 'Open the poll on sentiment-desk to sign in and vote'],
      ['/zh/polls/wallet-only/embed/', '/zh/polls/wallet-only/', '在 sentiment-desk 打开这个投票，登录后投票'],
    ]) {
      const html = await (await fetch(`${env.server.url}${path}`)).text();
      expect(html).not.toContain('data-wallet-sign-in');
      const link = /<a href="([^"]+)" target="_blank" rel="noopener" data-wallet-link-out>\s*([^<]+?)\s*<\/a>/.exec(
        html,
      );
      expect(link?.[1], path).toBe(page);
      expect(link?.[2]).toBe(words);
    }
  });

  it('keeps the sign-in button on the site’s own poll page', async () => {
    const html = await (await fetch(`${env.server.url}/polls/wallet-only/`)).text();
    expect(html).toContain('data-wallet-sign-in');
    expect(html).not.toContain('data-wallet-link-out');
  });
});

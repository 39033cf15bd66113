import { describe, expect, it } from 'vitest';
import { networkWatch, paintedCharts, screenshotPath, serverAndBrowser, upgraded } from '../helpers/browser.ts';

const env = serverAndBrowser({ env: { VOTE_RATE_LIMIT: '0' } });

describe('polls in Chromium', () => {
  it('shows the seed poll in the article as imported: 3 votes, voting closed, 34/33/0/33', async () => {
    const context = await env.browser.newContext({ viewport: { width: 800, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/opg-liquidity-ghost/`);
    const widget = page.locator('poll-widget[data-poll="opg-liquidity-ghost"]');
    await widget.waitFor();
    expect(await widget.locator('[data-percent]').allTextContents()).toEqual(['34%', '33%', '0%', '33%']);
    // Three options at one vote each: rounding shows 34% beside 33%, but the widget calls it a tie.
    await expect(widget.locator('.poll-summary').innerText()).resolves.toBe(
      'Are the whales quietly accumulating?, A record of small nodes losing money, and How retail can push back against the harvest tie · 3 votes · Voting closed',
    );
    expect(
      await widget.locator('[data-option]').evaluateAll((li) => li.map((e) => e.getAttribute('data-leading'))),
    ).toEqual(['tie', 'tie', null, 'tie']);
    await expect(widget.innerText()).resolves.toContain('imported from the original community post');
    // The reader's language only; the Chinese is one click away, marked as Chinese.
    await expect(widget.innerText()).resolves.not.toMatch(/\p{Script=Han}/u);
    await widget.locator('.poll-other-language summary').click();
    await expect(widget.locator('.poll-other-language [lang="zh-Hans"]').innerText()).resolves.toContain(
      '大户默默在吸筹吗',
    );
    expect(await widget.locator('button').count()).toBe(0);
    await widget.screenshot({ path: screenshotPath('poll-seed') });
    await context.close();
  });

  it('votes without JavaScript on the poll page: form, redirect, results and choice shown', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/polls/opg-distribution-retail/`);
    await page.getByLabel('Neither: it has barely moved').check();
    await page.getByRole('button', { name: 'Vote' }).click();
    await page.waitForURL(/\?voted=1/);
    await expect(page.locator('[data-message]').innerText()).resolves.toBe('Thanks, your vote is counted.');
    await expect(page.locator('[data-my-vote]').innerText()).resolves.toContain('Neither: it has barely moved');
    expect(await page.locator('[data-option="unchanged"]').getAttribute('data-mine')).toBe('true');
    await expect(page.locator('[data-option="unchanged"] [data-votes]').innerText()).resolves.toMatch(/^\d+ votes?$/);
    await page.screenshot({ path: screenshotPath('poll-page-nojs-voted'), fullPage: true });
    await context.close();
  });

  it('votes without JavaScript inside an article, through the framed poll', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/posts/opg-distribution-question/`);
    const frame = page.frameLocator('iframe.poll-frame');
    await frame.getByLabel('Nobody can tell until the contract is public').check();
    await frame.getByRole('button', { name: 'Vote' }).click();
    await expect.poll(() => page.frames().some((f) => f.url().includes('voted=1')), { timeout: 5000 }).toBe(true);
    await expect(frame.locator('[data-message]').innerText()).resolves.toBe('Thanks, your vote is counted.');
    await expect(frame.locator('[data-my-vote]').innerText()).resolves.toContain('Nobody can tell');
    expect(page.url()).toMatch(/\/posts\/opg-distribution-question\/$/);
    await page.screenshot({ path: screenshotPath('article-nojs-voted'), fullPage: true });
    await context.close();
  });

  it('updates a second open page within 2 s of a vote in the first, over SSE', async () => {
    const voter = await env.browser.newContext();
    const watcher = await env.browser.newContext();
    const a = await voter.newPage();
    const b = await watcher.newPage();
    await Promise.all([
      a.goto(`${env.server.url}/polls/opg-distribution-retail/`),
      b.goto(`${env.server.url}/posts/opg-distribution-question/`),
    ]);
    const watched = b.locator('poll-widget [data-option="toward-retail"] [data-votes]');
    await watched.waitFor();
    // The live widget loads as a reader nears the poll at the end of the post.
    await watched.scrollIntoViewIfNeeded();
    // The stream's first tally arrives right after connecting; wait for it so the change below is the vote's.
    await b.waitForFunction(() => document.querySelector('poll-widget [data-total]')?.textContent?.includes('vote'));
    const before = Number((await watched.innerText()).split(' ')[0]);
    await upgraded(a.locator('poll-widget'));
    await a.getByLabel('Yes: supply is spreading to small holders').check();
    const started = Date.now();
    await a.getByRole('button', { name: 'Vote' }).click();
    await expect(a.locator('[data-message]').innerText()).resolves.toBeDefined();
    await b.waitForFunction(
      (expected) =>
        document
          .querySelector('poll-widget [data-option="toward-retail"] [data-votes]')
          ?.textContent?.startsWith(`${expected} `),
      before + 1,
      { timeout: 2000 },
    );
    expect(Date.now() - started).toBeLessThan(2000);
    await a.waitForFunction(
      () => document.querySelector('[data-message]')?.textContent === 'Thanks, your vote is counted.',
    );
    expect(await a.locator('[data-option="toward-retail"]').getAttribute('data-mine')).toBe('true');
    await voter.close();
    await watcher.close();
  });

  it('draws the charts once they scroll into view, light and dark, with a table alternative', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      // A short viewport keeps the charts below the fold until we scroll.
      const context = await env.browser.newContext({ colorScheme, viewport: { width: 1000, height: 480 } });
      const page = await context.newPage();
      const network = networkWatch(page);
      const scripts: string[] = [];
      page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
      await page.goto(`${env.server.url}/polls/opg-liquidity-ghost/`);
      await network.settled();
      expect(scripts.some((u) => /poll-charts\.[\w-]+\.js$/.test(u))).toBe(false);
      await page.locator('poll-charts').scrollIntoViewIfNeeded();
      await page.waitForSelector('.chart-legend');
      expect(scripts.some((u) => /poll-charts\.[\w-]+\.js$/.test(u))).toBe(true);
      const painted = await paintedCharts(page, 'canvas', await page.locator('canvas').count());
      expect(painted.every((n) => n > 500)).toBe(true);
      await page.locator('.chart-table summary').click();
      await expect(page.locator('.chart-table tbody tr').first().innerText()).resolves.toContain('34%');
      await page.screenshot({ path: screenshotPath(`poll-charts-${colorScheme}`), fullPage: true });
      await context.close();
    }
  });

  it('says a tie in Chinese, with the imported source and only the Chinese labels', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/zh/polls/opg-liquidity-ghost/`);
    const widget = page.locator('poll-widget[data-poll="opg-liquidity-ghost"]');
    await widget.waitFor();
    await expect(widget.locator('[data-tie]').innerText()).resolves.toContain('并列');
    const text = await widget.innerText();
    expect(text).toMatch(/导入自\s*最初的社区帖子/);
    expect(text).not.toMatch(/[A-Za-z]+ [A-Za-z]+ [A-Za-z]+/);
    await widget.locator('.poll-other-language summary').click();
    await expect(widget.locator('.poll-other-language [lang="en"]').innerText()).resolves.toContain(
      'Are the whales quietly accumulating?',
    );
    await context.close();
  });

  it('keeps the other language one click away without JavaScript too', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/polls/opg-liquidity-ghost/`);
    const widget = page.locator('poll-widget');
    await expect(widget.innerText()).resolves.not.toMatch(/\p{Script=Han}/u);
    await widget.locator('.poll-other-language summary').click();
    await expect(widget.locator('.poll-other-language [lang="zh-Hans"]').innerText()).resolves.toContain(
      '散户如何反制收割',
    );
    await context.close();
  });

  for (const [prefix, sentence] of [
    ['', 'Choose at least one option.'],
    ['/zh', '请至少选择一个选项。'],
  ] as const) {
    it(`a vote with no choice says the API's sentence (${prefix || '/'}), without and with JavaScript`, async () => {
      const plain = await env.browser.newContext({ javaScriptEnabled: false });
      const page = await plain.newPage();
      await page.goto(`${env.server.url}${prefix}/polls/opg-distribution-retail/`);
      await page.locator('[data-vote-button]').click();
      await expect(page.locator('[data-message]').innerText()).resolves.toBe(sentence);
      await plain.close();

      const live = await env.browser.newContext();
      const js = await live.newPage();
      await js.goto(`${env.server.url}${prefix}/polls/opg-distribution-retail/`);
      const button = js.locator('[data-vote-button]');
      // With script the button waits for a choice.
      await js.waitForFunction(() => document.querySelector<HTMLButtonElement>('[data-vote-button]')?.disabled);
      // A form sent anyway (say, by a script) gets the API's refusal in the page's language.
      await js.locator('poll-widget form').evaluate((form: HTMLFormElement) => form.requestSubmit());
      await js.waitForFunction(() => document.querySelector('[data-message]')?.textContent !== '');
      await expect(js.locator('[data-message]').innerText()).resolves.toBe(sentence);
      await js.locator('poll-widget input[name="optionIds"]').first().check();
      await expect(button.isEnabled()).resolves.toBe(true);
      await live.close();
    });
  }

  it('without JavaScript, frames the whole poll in a post and links the poll page and the discussion', async () => {
    for (const width of [390, 1280]) {
      const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 844 } });
      const page = await context.newPage();
      for (const path of [
        '/posts/opg-liquidity-ghost/',
        '/zh/posts/opg-liquidity-ghost/',
        '/zh/posts/opg-distribution-question/',
      ]) {
        await page.goto(`${env.server.url}${path}`);
        const frame = page.locator('iframe.poll-frame');
        await frame.scrollIntoViewIfNeeded();
        const embed = await (await frame.elementHandle())?.contentFrame();
        if (!embed) throw new Error(`${path}: no framed poll`);
        await embed.waitForLoadState();
        const content = await embed.locator('.poll').evaluate((el) => el.getBoundingClientRect().bottom);
        const box = await frame.boundingBox();
        expect(content, `${path} at ${width} px`).toBeLessThanOrEqual(box?.height ?? 0);
        const locale = path.startsWith('/zh/') ? '/zh' : '';
        const slug = path.split('/').at(-2);
        await expect(
          page
            .locator(
              `a[href="${locale}/polls/${slug === 'opg-distribution-question' ? 'opg-distribution-retail' : slug}/"]`,
            )
            .first()
            .isVisible(),
        ).resolves.toBe(true);
        await expect(page.locator(`a[href="${locale}/posts/${slug}/comments/"]`).isVisible()).resolves.toBe(true);
        await expect(page.locator('.comments-loading').isVisible()).resolves.toBe(false);
      }
      await context.close();
    }
  });

  it('opens no live stream for a closed poll, and one for an open poll', async () => {
    const context = await env.browser.newContext();
    await context.addInitScript(() => {
      const Native = window.EventSource;
      const opened: string[] = [];
      (window as unknown as { opened: string[] }).opened = opened;
      window.EventSource = class extends Native {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          opened.push(String(url));
        }
      };
    });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/polls/opg-distribution-retail/`);
    await page.waitForFunction(() => (window as unknown as { opened: string[] }).opened.length > 0);
    await page.goto(`${env.server.url}/polls/opg-liquidity-ghost/`);
    await page.evaluate(() => customElements.whenDefined('poll-widget'));
    // The widget follows a poll a task after it connects (poll-live.client's connect): let that task run.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    await expect(page.evaluate(() => (window as unknown as { opened: string[] }).opened)).resolves.toEqual([]);
    await context.close();
  });
});

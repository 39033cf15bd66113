import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { paintedCharts, screenshotPath, serverAndBrowser } from '../helpers/browser.ts';

/**
 * The token page and a token poll's page on the Chinese site, with the
 * simulated demo's snapshots and ballots: Chinese headings and cohort names,
 * the same figures as the English pages, charts that draw, and no English
 * interface words left (data such as addresses, token names, label names and
 * the English secondary option labels stays as it is).
 */
const env = serverAndBrowser();

const DEVICES = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 900 } },
} as const;

/** Interface words of these pages in English; none may be left on the Chinese ones. */
const ENGLISH_WORDS = [
  'On-chain holders',
  'Who is counted',
  'All holders',
  'Without custodians',
  'Circulating',
  'Measure',
  'Holders',
  'Whales',
  'Whale',
  'Dolphins',
  'Shrimp',
  'Insiders',
  'Holds none',
  'Not verified',
  'Cohort',
  'Voters',
  'Largest holder',
  'Balance',
  'left out',
  'n/a',
  'Source',
  'Block',
  'block',
  'Latest snapshot',
  'History',
  'Show the figures',
  'Lorenz',
  'Unlock',
  'unlocked',
  'Vesting now',
  'tokens a day',
  'now',
  'Track record',
  'Accuracy',
  'Until',
  'Votes',
  'Download',
  'tokens lean',
  'One ballot',
  'One wallet',
  'Token-weighted',
  'Square root',
  'Privacy floor',
  'Weighted by',
  'Weights',
  'Simulated data',
  'fewer than',
  'Share of',
];
/** Words that are interface on the token page but a proper noun on the poll page (Snapshot, the voting app). */
const TOKEN_PAGE_WORDS = [...ENGLISH_WORDS, 'Snapshot'];

/**
 * The page's visible text without the data that is English in both languages:
 * the secondary English option and question labels (lang="en") and the list of
 * research (an untranslated post keeps its English title). The token file's
 * name, description, label names and unlock recipients have Chinese of their own.
 */
async function interfaceText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const main = document.querySelector('main')?.cloneNode(true) as HTMLElement | undefined;
    if (!main) return '';
    const data = ['script', 'style', '[lang="en"]', '.post-list', '.post-card', '.poll-context', 'textarea'];
    main.querySelectorAll(data.join(',')).forEach((e) => e.remove());
    // innerText of a detached node is its text content; keep words apart.
    return (main.innerText || main.textContent || '').replace(/\s+/g, ' ');
  });
}

/**
 * Runs of three or more English words in the page not marked as English
 * (lang="en"), which the CJK font would set badly ("OPGSIM’ s"); addresses,
 * symbols and numbers are data in any language.
 */
async function untaggedEnglish(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, noscript, code, textarea')) continue;
      if (!(parent.closest('[lang]')?.getAttribute('lang') ?? '').startsWith('zh')) continue;
      const text = (node.textContent ?? '').replace(/0x[0-9a-fA-F…]+/g, ' ');
      const run = /[A-Za-z][A-Za-z’'-]*(?:[\s,:;()]+[A-Za-z][A-Za-z’'-]*){2,}/.exec(text);
      if (run) found.push(run[0]);
    }
    return found;
  });
}

function leftovers(text: string, words: readonly string[]): string[] {
  return words.filter((word) =>
    new RegExp(`(^|[^A-Za-z])${word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}([^A-Za-z]|$)`).test(text),
  );
}

/** The text of every numeric cell of the tables matching `selector`, in order. */
async function numbers(page: Page, selector: string): Promise<string[]> {
  // On a phone a cell's vote count wraps under its share: the same text, laid out differently.
  return (await page.locator(`${selector} td`).allInnerTexts()).map((cell) => cell.replace(/\s+/g, ' ').trim());
}

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${env.server.url}${path}`);
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

/** Scrolls every lazy chart element into view and waits until its canvases are drawn. */
async function drawCharts(page: Page, element: string, legends: number): Promise<number[]> {
  for (const canvas of await page.locator(`${element} canvas`).all()) await canvas.scrollIntoViewIfNeeded();
  await page.waitForFunction(
    ([selector, n]) => document.querySelectorAll(`${selector} .chart-legend`).length >= Number(n),
    [element, legends] as const,
  );
  const canvases = `${element} canvas`;
  return paintedCharts(page, canvases, await page.locator(canvases).count());
}

describe('the Chinese token page', () => {
  it('reads in Chinese, with the English page’s figures, light and dark, phone and desktop', async () => {
    const english = await env.browser.newContext({ viewport: DEVICES.desktop.viewport });
    const en = await open(english, '/tokens/opgsim/');
    const figures = await numbers(en, 'table.figures');
    const whales = await numbers(en, 'table.whales');
    const pooled = await numbers(en, '[data-track-record-pooled]');
    await english.close();

    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [device, options] of Object.entries(DEVICES)) {
        const context = await env.browser.newContext({ ...options, colorScheme });
        const page = await open(context, '/zh/tokens/opgsim/');
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-Hans');
        await expect(page.locator('main h2').allInnerTexts()).resolves.toEqual(
          expect.arrayContaining(['链上持有者', '战绩', '提到 $OPGSIM 的研究']),
        );
        await expect(page.locator('main h3').allInnerTexts()).resolves.toEqual(
          expect.arrayContaining(['统计哪些持有者', '历史', '最大持有者', '谁判断得最准']),
        );
        await expect(page.locator('table.figures thead th').allInnerTexts()).resolves.toEqual([
          '指标',
          '全部持有者',
          '不含托管地址',
          '流通部分',
        ]);
        await expect(page.locator('table.figures tbody th').allInnerTexts()).resolves.toEqual(
          expect.arrayContaining(['持有者数', '大户（≥0.1%）', '海豚（≥0.01%）', '小鱼（≥0.001%）', '虾米（<0.001%）']),
        );
        // Every figure as on the English page: the same numbers, formatted alike.
        await expect(numbers(page, 'table.figures')).resolves.toEqual(figures);
        const zhWhales = await numbers(page, 'table.whales');
        expect(zhWhales.map((cell) => (/^[-+<\d]/.test(cell) ? cell : ''))).toEqual(
          whales.map((cell) => (/^[-+<\d]/.test(cell) ? cell : '')),
        );
        expect(zhWhales).toContain('不计入');
        await expect(numbers(page, '[data-track-record-pooled]')).resolves.toEqual(pooled);
        await expect(page.locator('[data-track-record-pooled] tbody th').allInnerTexts()).resolves.toEqual(
          expect.arrayContaining(['一票一投', '大户', '海豚', '小鱼', '虾米', '未验证']),
        );
        const links = await page
          .locator('[data-track-record-polls] a')
          .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        expect(links).toEqual(
          expect.arrayContaining([
            '/zh/polls/opgsim-top-ten-november/#resolution',
            '/zh/polls/opgsim-team-cliff/#resolution',
          ]),
        );

        const painted = await drawCharts(page, 'token-charts', 4);
        expect(painted).toHaveLength(6);
        expect(painted.every((n) => n > 500)).toBe(true);
        const legends = await page.locator('token-charts .chart-legend').allInnerTexts();
        expect(legends.join('\n')).toMatch(/大户：当前 23.*海豚：当前 25.*小鱼：当前 141.*虾米：当前 74/s);
        expect(legends.join('\n')).toContain('前十大持有者占比');
        expect(leftovers(await interfaceText(page), TOKEN_PAGE_WORDS)).toEqual([]);
        // The token file's own texts in Chinese: its name, description, label names and unlock recipients.
        await expect(page.locator('h1').innerText()).resolves.toBe('OpenGradient（模拟演示） ($OPGSIM)');
        await expect(page.locator('.page-intro p').innerText()).resolves.toMatch(/^本地测试链上一段脚本化的模拟历史/);
        await expect(page.locator('table.whales td:nth-child(3)').allInnerTexts()).resolves.toContain(
          '团队归属（归属合约）',
        );
        await expect(page.locator('[data-unlock-next]').innerText()).resolves.toContain('团队归属（悬崖期之后）');
        expect(await untaggedEnglish(page)).toEqual([]);
        // Reader words for how snapshots come; the operator's reason is /api/health's.
        await expect(page.locator('[data-freshness]').innerText()).resolves.toMatch(/^手动更新；最新快照拍摄于 2026年/);
        expect((page as Page & { errors?: string[] }).errors).toEqual([]);
        await page.screenshot({ path: screenshotPath(`token-page-zh-${colorScheme}-${device}`), fullPage: true });
        await context.close();
      }
    }
  });
});

describe('the Chinese page of a token poll', () => {
  it('reads in Chinese, cohorts and tallies with the English page’s figures, light and dark, phone and desktop', async () => {
    const english = await env.browser.newContext({ viewport: DEVICES.desktop.viewport });
    const en = await open(english, '/polls/opgsim-distribution-retail/');
    const cohorts = await numbers(en, '[data-cohort-table]');
    const tallies = await numbers(en, '[data-tallies]');
    const history = await numbers(en, '[data-cohort-history-table]');
    await english.close();

    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [device, options] of Object.entries(DEVICES)) {
        const context = await env.browser.newContext({ ...options, colorScheme });
        const page = await open(context, '/zh/polls/opgsim-distribution-retail/');
        await expect(page.locator('#cohorts-title').innerText()).resolves.toBe('按持仓群体划分的结果');
        await expect(page.locator('#cohorts h3').allInnerTexts()).resolves.toEqual([
          '四种计票方式',
          '按持仓群体',
          '各持仓群体的情绪随时间的变化',
        ]);
        await expect(page.locator('[data-cohort-table] tbody th').allInnerTexts()).resolves.toEqual([
          '大户',
          '海豚',
          '小鱼',
          '虾米',
          '内部人士',
          '未持有',
          '未验证',
        ]);
        await expect(page.locator('[data-cohort-table] tr[data-cohort="insiders"] td').innerText()).resolves.toBe(
          '投票者不足 5 人',
        );
        await expect(page.locator('[data-tallies] thead th').allInnerTexts()).resolves.toEqual([
          '选项',
          '一票一投',
          '一个钱包一票',
          '按代币加权',
          '平方根加权',
        ]);
        // The same shares and counts as on the English page; a tie is marked in the page's words.
        await expect(numbers(page, '[data-cohort-table]')).resolves.toEqual(
          cohorts.map((cell) => (cell === 'fewer than 5 voters' ? '投票者不足 5 人' : cell.replace(/tie$/, '并列'))),
        );
        await expect(numbers(page, '[data-tallies]')).resolves.toEqual(tallies);
        const zhHistory = await numbers(page, '[data-cohort-history-table]');
        expect(zhHistory).toEqual(history);
        await expect(page.locator('[data-weighting]').innerText()).resolves.toMatch(
          /^按区块 392 的快照（2026年9月29日）加权/,
        );
        await expect(page.locator('[data-tally-summary="tokens"]').innerText()).resolves.toMatch(/领先。$/);
        // The widget's line says what the cohorts add, in Chinese too.
        await expect(page.locator('[data-cohort-text]').innerText()).resolves.toMatch(/^按代币加权领先：“/);

        const painted = await drawCharts(page, 'cohort-charts', 2);
        expect(painted).toHaveLength(2);
        expect(painted.every((n) => n > 500)).toBe(true);
        const legend = await page
          .locator('cohort-charts figure:has([data-chart="cohort-history"]) .chart-legend')
          .innerText();
        expect(legend).toMatch(/大户.*海豚.*未验证/s);
        // The redrawn history table keeps its Chinese header and cohort names.
        await page.locator('[data-cohort-option]').selectOption({ index: 1 });
        await expect
          .poll(() => page.locator('[data-cohort-history-table] thead th').first().textContent())
          .toBe('日期');
        await expect(page.locator('figure:has([data-chart="cohort-history"]) figcaption').innerText()).resolves.toMatch(
          /^各持仓群体中选择“否：最大的几个钱包仍在持续增持”的占比/,
        );
        await drawCharts(page, 'poll-charts', 1);
        expect(leftovers(await interfaceText(page), ENGLISH_WORDS)).toEqual([]);
        expect((page as Page & { errors?: string[] }).errors).toEqual([]);
        await page.screenshot({ path: screenshotPath(`poll-cohorts-zh-${colorScheme}-${device}`), fullPage: true });
        await context.close();
      }
    }
  });

  it('shows the settled poll and the track record in Chinese', async () => {
    const context = await env.browser.newContext({ viewport: DEVICES.desktop.viewport });
    const page = await open(context, '/zh/polls/opgsim-top-ten-november/');
    await expect(page.locator('#resolution-title').innerText()).resolves.toBe('已由链上数据结算');
    await expect(page.locator('.resolution-outcome').innerText()).resolves.toBe(
      '链上数据选定了“更少：占比下降超过 2 个百分点”：流通供应量的前十大钱包持仓占比从 87.4% 降至 74.7%。',
    );
    await expect(page.locator('[data-resolution-accuracy] tbody th').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining(['一票一投', '按代币加权', '大户', '内部人士', '未持有', '未验证']),
    );
    expect(leftovers(await interfaceText(page), ENGLISH_WORDS)).toEqual([]);
    const polls = await open(context, '/zh/polls/');
    await expect(polls.locator('#track-record-title').innerText()).resolves.toBe('战绩');
    const titles = await polls.locator('[data-track-record-polls] tbody th a').allInnerTexts();
    expect(titles).toHaveLength(2);
    for (const title of titles) expect(title).toMatch(/^模拟演示：/);
    expect(leftovers(await interfaceText(polls), TOKEN_PAGE_WORDS)).toEqual([]);
    await context.close();
  });

  it('shows the poll the chain settled on a flow, in both languages, light and dark, phone and desktop', async () => {
    const words = {
      en: {
        path: '/polls/opgsim-team-cliff/',
        outcome:
          'The chain picked Some: from a tenth to half: the share of the tokens unlocked in between that insiders ' +
          'sent to exchanges came to 21.7% between the two snapshots.',
        from: /^block 392, 29 Sept 2026\s*Source:/,
      },
      zh: {
        path: '/zh/polls/opgsim-team-cliff/',
        outcome: '链上数据选定了“一部分：一成到五成”：两次快照之间，解锁代币中被内部人士转入交易所的比例为 21.7%。',
        from: /^区块 392，2026年9月29日\s*来源：/,
      },
    } as const;
    for (const [lang, expected] of Object.entries(words)) {
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const [device, options] of Object.entries(DEVICES)) {
          const context = await env.browser.newContext({ ...options, colorScheme, javaScriptEnabled: false });
          const page = await open(context, expected.path);
          await expect(page.locator('.resolution-outcome').innerText()).resolves.toBe(expected.outcome);
          // A flow starts at zero: the first snapshot is named without a value, the settling one with the flow.
          const [from, settled] = await page.locator('.resolution-snapshots dd').allInnerTexts();
          expect(from).toMatch(expected.from);
          expect(settled).toContain('21.7%');
          await page
            .locator('#resolution')
            .screenshot({ path: screenshotPath(`flow-resolution-${lang}-${colorScheme}-${device}`) });
          await context.close();
        }
      }
    }
  });
});

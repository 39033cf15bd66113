import { describe, expect, it } from 'vitest';
import { screenshotPath, serverAndBrowser } from '../helpers/browser.ts';
import { FIXTURE_POLLS, vote } from '../helpers/polls.ts';
import { newAccount, signIn } from '../helpers/wallet.ts';

const env = serverAndBrowser({ env: { POLLS_DIR: FIXTURE_POLLS, VOTE_RATE_LIMIT: '0' } });

/** Cookies of a reader who voted anonymously, then signed in: what the claim offer is for. */
async function anonymousVoterWhoSignedIn(): Promise<{ name: string; value: string; url: string }[]> {
  const anonymous = await vote(env.server.url, 'open-single', ['b']);
  const session = await signIn(env.server.url, newAccount());
  return [anonymous.cookie, session].map((cookie) => {
    const [name = '', value = ''] = (cookie ?? '').split('=');
    return { name, value, url: env.server.url };
  });
}

describe('“Count my vote as verified” in Chromium', () => {
  it.each([
    ['light, desktop, JavaScript', 'light', { width: 1100, height: 900 }, true],
    ['dark, phone, JavaScript', 'dark', { width: 390, height: 844 }, true],
    ['light, phone, no JavaScript', 'light', { width: 390, height: 844 }, false],
  ] as const)('claims an anonymous ballot for the signed-in wallet (%s)', async (name, colorScheme, viewport, js) => {
    const context = await env.browser.newContext({ colorScheme, viewport, javaScriptEnabled: js });
    await context.addCookies(await anonymousVoterWhoSignedIn());
    const page = await context.newPage();
    await page.goto(`${env.server.url}/polls/open-single/`);
    const offer = page.getByRole('button', { name: 'Count my vote as verified' });
    await offer.waitFor();
    await page.locator('.poll').screenshot({ path: screenshotPath(`poll-claim-offer-${name.replace(/\W+/g, '-')}`) });
    await offer.click();
    await page.waitForURL(/\?verified=1/);
    await expect(page.locator('[data-message]').innerText()).resolves.toBe('Your vote now counts as wallet-verified.');
    await expect(page.locator('[data-verified]').innerText()).resolves.toMatch(/^\d+ wallet-verified/);
    expect(await page.getByRole('button', { name: 'Count my vote as verified' }).count()).toBe(0);
    await page.locator('.poll').screenshot({ path: screenshotPath(`poll-claimed-${name.replace(/\W+/g, '-')}`) });
    await context.close();
  });
});

/**
 * What a person sees when the connection to the server drops mid-session: the page says it is
 * reconnecting, and does, to the same conversation; when the server stays out of reach it gives
 * up after a bound with a clear message and a Reconnect button.
 */
import { expect, test, type Page } from '@playwright/test';
import { signUp } from './sign-up';

/** The page's own alerts (Next's route announcer is an alert too). */
const problems = (page: Page) => page.locator('main [role="alert"]');

/**
 * Records every text the reconnect notice shows, as the page shows it: a notice that lasts a
 * few hundred milliseconds is easily missed by polling.
 */
async function recordNotices(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __notices: string[] }).__notices = []);
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="reconnecting"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __notices: string[] }).__notices);
}

test('a dropped connection reconnects by itself to the same conversation', async ({ page }) => {
  const notices = await recordNotices(page);
  await signUp(page);
  const urls: string[] = [];
  const readies: string[] = [];
  // Let the real server answer, then cut the first connection as a network failure would.
  // (A regular expression: the reconnects' URLs carry ?conversationId=, which the glob '/ws' does not match.)
  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    urls.push(ws.url());
    const first = urls.length === 1;
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      ws.send(message);
      const m = JSON.parse(String(message)) as { type: string; conversationId?: string };
      if (m.type === 'session.ready') readies.push(m.conversationId!);
      if (first) ws.close({ code: 4000, reason: 'network gone' });
    });
  });
  await page.getByRole('button', { name: 'Start talking' }).click();
  await expect.poll(() => readies.length).toBe(2);
  await expect(page.getByText('Connected', { exact: true })).toBeVisible();
  expect(await notices()).toEqual(['The connection to the server was lost. Reconnecting… attempt 1 of 8. This conversation continues where it stopped.']);
  await expect(page.getByTestId('reconnecting')).toHaveCount(0);
  await expect(problems(page)).toHaveCount(0);
  // Still talking: the Stop button, not Start.
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();

  expect(readies).toHaveLength(2);
  expect(readies[1]).toBe(readies[0]);
  expect(new URL(urls[0]).searchParams.get('conversationId')).toBeNull();
  expect(new URL(urls[1]).searchParams.get('conversationId')).toBe(readies[0]);
  await expect(page).toHaveURL(new RegExp(`/talk\\?conversation=${readies[0]}$`));
});

test('a server out of reach: it gives up after the bound, says so, and Reconnect continues the conversation', async ({ page }) => {
  // The backoff waits are the page's own timers: the test runs them fast instead of waiting ~40 s.
  await page.clock.install();
  await signUp(page);
  let reachable = true;
  let dropped = false;
  let connections = 0;
  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    connections++;
    if (!reachable) return ws.close({ code: 4001, reason: 'unreachable' });
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      ws.send(message);
      if (JSON.parse(String(message)).type === 'session.ready' && !dropped) {
        dropped = true;
        reachable = false;
        ws.close({ code: 4000, reason: 'network gone' });
      }
    });
  });
  await page.getByRole('button', { name: 'Start talking' }).click();
  const notice = page.getByTestId('reconnecting');
  for (let attempt = 1; attempt <= 8; attempt++) {
    // Each step runs the page's timers on (the waits, and the mocked socket's own events).
    await expect
      .poll(async () => {
        const text = (await notice.count()) > 0 ? await notice.innerText() : '';
        if (!text.includes(`attempt ${attempt} of 8`)) await page.clock.runFor(1_000);
        return text;
      })
      .toContain(`attempt ${attempt} of 8`);
  }
  await expect
    .poll(async () => {
      if ((await problems(page).count()) === 0) await page.clock.runFor(1_000);
      return problems(page).count();
    })
    .toBe(1);
  await expect(problems(page)).toContainText('could not be reached after 8 attempts');
  await expect(problems(page)).toContainText('press Reconnect');
  expect(connections).toBe(1 + 8);

  reachable = true;
  await page.getByRole('button', { name: 'Reconnect' }).click();
  await expect(page.getByText('Connected', { exact: true })).toBeVisible();
  await expect(problems(page)).toHaveCount(0);
});

/**
 * History in Chromium (issue 11): a spoken conversation is listed, found by what was said,
 * shown as a chat with its latencies, exported, renamed and deleted; the list and a
 * conversation's page follow a conversation while it goes on; markup in a transcript is shown
 * as text and runs nothing; a long history loads page by page and by day.
 *
 * Screenshots of the pages, at a laptop's size, go to test-results/screenshots/.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ContractClient } from '../server/testing/contract-client';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { withFakeMicrophone } from './chromium';
import { startSeededServer, type SeedConversation, type SeededServer } from './seeded-server';
import { signUp } from './sign-up';

const EVENT_TIMEOUT = 90_000;
const LAPTOP = { width: 1280, height: 800 };
const SCREENSHOTS = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

// The whole file's browser hears the question (only the first test opens the microphone).
test.use({ viewport: LAPTOP, launchOptions: withFakeMicrophone('question.wav') });

const conversationList = (page: Page) => page.getByRole('list', { name: 'Conversations' });
const rows = (page: Page) => conversationList(page).getByRole('listitem');
const transcript = (page: Page) => page.getByRole('list', { name: 'Transcript' });
const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search what was said' });

async function sessionCookie(page: Page): Promise<string> {
  const session = (await page.context().cookies()).find((c) => c.name === 'better-auth.session_token');
  if (!session) throw new Error('not signed in');
  return `${session.name}=${session.value}`;
}

test.describe('a spoken conversation', () => {
  test('is listed, found by a spoken word, shown with its latencies, exported, renamed, and deleted', async ({ page, browser, baseURL }) => {
    test.setTimeout(240_000);
    await signUp(page, 'historian');
    // The socket path: its fake microphone's question starts 2 s in, sooner than WebRTC may connect.
    await page.goto('/talk?transport=socket');
    await page.getByLabel('Echo cancellation').uncheck();
    await page.getByRole('button', { name: 'Start talking' }).click();
    const talk = page.getByRole('list', { name: 'Conversation' });
    const userLine = talk.locator('li[data-role="user"][data-final="true"]');
    await expect(userLine).toHaveCount(1, { timeout: EVENT_TIMEOUT });
    await expect(talk.locator('li[data-role="agent"][data-final="true"]')).toContainText('84', { timeout: EVENT_TIMEOUT });
    await expect(page.getByTestId('agent-state')).toHaveAttribute('data-state', 'listening', { timeout: EVENT_TIMEOUT });
    await expect(page).toHaveURL(/\/talk\?conversation=[0-9a-f-]{36}&transport=socket$/);
    const conversationId = new URL(page.url()).searchParams.get('conversation')!;
    const heard = (await userLine.innerText()).trim();
    expect(heard).toMatch(/\bseven\b/);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();

    // Listed: the first words as its title, when, how long, how many turns, what was said.
    await page.getByRole('link', { name: 'History' }).click();
    await expect(rows(page)).toHaveCount(1);
    const row = rows(page).first();
    await expect(row.getByRole('link')).toHaveAttribute('href', `/conversations/${conversationId}`);
    await expect(row).toContainText(heard);
    await expect(row).toContainText('2 turns');
    await expect(row).toContainText(/\d+ s/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'history-list-one.png') });

    // Found by a word that was said, with the search in the address (a reload keeps it) …
    await searchBox(page).fill('seven');
    await expect(page).toHaveURL(/\/conversations\?q=seven$/);
    await expect(rows(page)).toHaveCount(1);
    await page.reload();
    await expect(searchBox(page)).toHaveValue('seven');
    await expect(rows(page)).toHaveCount(1);
    // … and not by one that was not.
    await searchBox(page).fill('xylophonequasar');
    await expect(page.getByText('Nothing matches')).toBeVisible();
    await expect(conversationList(page)).toHaveCount(0);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(page).toHaveURL(/\/conversations$/);
    await expect(rows(page)).toHaveCount(1);

    // Its page: both turns as a chat, each with its latencies, and the latency chart.
    await rows(page).first().getByRole('link').click();
    await expect(page).toHaveURL(`/conversations/${conversationId}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heard.split(/\s+/).slice(0, 8).join(' '));
    await expect(transcript(page).locator('li[data-role="user"] [data-testid="turn-text"]')).toHaveText(heard);
    await expect(transcript(page).locator('li[data-role="agent"] [data-testid="turn-text"]')).toContainText('84');
    await expect(transcript(page).locator('li[data-role="user"] [data-testid="turn-latency"]')).toHaveText(/^speech end → transcript [\d.]+ m?s$/);
    await expect(transcript(page).locator('li[data-role="agent"] [data-testid="turn-latency"]')).toContainText(/voice-to-voice \d/);
    const chart = page.getByRole('img', { name: 'Voice-to-voice latency per reply' });
    await expect(chart).toBeVisible();
    await expect(chart.getByTestId('latency-bar')).toHaveCount(1);
    await page.getByText('Show the numbers as a table').click();
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'history-detail-spoken.png'), fullPage: true });

    // Export: the transcript as Markdown and as JSON.
    const markdown = await download(page, 'Export as Markdown');
    expect(markdown.filename).toMatch(/^parley-\d{4}-\d{2}-\d{2}-.*\.md$/);
    expect(markdown.text).toContain(`**You**`);
    expect(markdown.text).toContain(heard);
    expect(markdown.text).toMatch(/\*\*Parley\*\* \(.*\): .*84/);
    const json = await download(page, 'Export as JSON');
    expect(json.filename).toMatch(/\.json$/);
    const exported = JSON.parse(json.text) as { conversation: { id: string }; turns: Array<{ role: string; text: string }> };
    expect(exported.conversation.id).toBe(conversationId);
    expect(exported.turns.map((t) => t.role)).toEqual(['user', 'agent']);
    expect(exported.turns[0].text).toBe(heard);

    // Nobody else can see it: their History is empty and its address is a 404 page for them.
    await expectNotFoundForSomeoneElse(browser, baseURL!, conversationId);

    // Renamed in place; the list shows the new title.
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('textbox', { name: 'Conversation title' }).fill('Times tables with Parley');
    await page.getByRole('textbox', { name: 'Conversation title' }).press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Times tables with Parley');
    await page.getByRole('link', { name: 'History' }).click();
    await expect(rows(page).first()).toContainText('Times tables with Parley');
    // The first words, no longer the title, are now its preview.
    await expect(rows(page).first().locator('p')).toHaveText(heard);

    // Deleted after a confirmation: gone from the list, and its address is a 404 page.
    await rows(page).first().getByRole('link').click();
    await page.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(page).toHaveURL(/\/conversations$/);
    await expect(page.getByText('No conversations yet')).toBeVisible();
    const gone = await page.goto(`/conversations/${conversationId}`);
    expect(gone?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'No such conversation' })).toBeVisible();
    expect((await page.request.get(`/api/conversations/${conversationId}`)).status()).toBe(404);
  });
});

async function download(page: Page, linkName: string): Promise<{ filename: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).click()]);
  return { filename: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

async function expectNotFoundForSomeoneElse(browser: Browser, baseURL: string, conversationId: string) {
  const context = await browser.newContext({ baseURL, viewport: LAPTOP });
  try {
    const stranger = await context.newPage();
    await signUp(stranger, 'stranger');
    const response = await stranger.goto(`/conversations/${conversationId}`);
    expect(response?.status()).toBe(404);
    await expect(stranger.getByRole('heading', { name: 'No such conversation' })).toBeVisible();
    await stranger.goto('/conversations');
    await expect(stranger.getByText('No conversations yet')).toBeVisible();
  } finally {
    await context.close();
  }
}

test('the list and a conversation’s page follow a conversation while it goes on, without a reload', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  await signUp(page, 'live');
  await page.goto('/conversations');
  await expect(page.getByText('No conversations yet')).toBeVisible();
  await page.evaluate(() => ((window as { __samePage?: boolean }).__samePage = true));

  // Another client of the same person talks over /ws, as the talk page would in another tab.
  const client = await ContractClient.connect(baseURL!, { cookie: await sessionCookie(page) });
  try {
    const question = await synthesizeSpeech('what is two plus two', { trailingSilenceMs: 300 });
    const another = await synthesizeSpeech('what is twelve times seven', { trailingSilenceMs: 300, seed: 2 });
    await closeSpeechEngines();
    const { conversationId } = await client.next('session.ready');

    await client.speak('first', question);
    await client.next('agent.audio.end', () => true, { timeoutMs: EVENT_TIMEOUT });
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first().getByRole('link')).toHaveAttribute('href', `/conversations/${conversationId}`);
    await expect(rows(page).first()).toContainText('2 turns');

    await rows(page).first().getByRole('link').click();
    await expect(transcript(page).getByTestId('turn')).toHaveCount(2);
    await expect(transcript(page).locator('li[data-role="agent"]')).toContainText('4');

    const from = client.received.length;
    await client.speak('second', another);
    await client.next('agent.audio.end', () => true, { from, timeoutMs: EVENT_TIMEOUT });
    await expect(transcript(page).getByTestId('turn')).toHaveCount(4);
    await expect(transcript(page).locator('li[data-role="agent"]').last()).toContainText('84');
    await expect(page.getByRole('img', { name: 'Voice-to-voice latency per reply' }).getByTestId('latency-bar')).toHaveCount(2);
    expect(await page.evaluate(() => (window as { __samePage?: boolean }).__samePage)).toBe(true);
  } finally {
    await client.close();
  }
});

test.describe('a seeded history', () => {
  const XSS_USER = '<img src=x onerror=window.__xss=1>';
  const XSS_AGENT = '<script>window.__xss=2</script>I stopped';
  const DAY_MS = 24 * 60 * 60 * 1000;
  const FILLERS = 24;
  /** Noon (local) `days` ago: the same calendar day in the browser and here. */
  const noonDaysAgo = (days: number) => {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() - days, 12);
  };
  const localDay = (date: Date) =>
    `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

  let seeded: SeededServer;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const fillers: SeedConversation[] = Array.from({ length: FILLERS }, (_, i) => ({
      startedAt: noonDaysAgo(i + 1),
      turns: [
        { role: 'user', text: `filler conversation number ${i + 1}`, sttLatencyMs: 300 },
        { role: 'agent', text: 'Noted.', agentLatencyMs: 20, ttsLatencyMs: 100, voiceToVoiceMs: 500 },
      ],
    }));
    seeded = await startSeededServer([
      {
        startedAt: new Date(Date.now() - DAY_MS / 48),
        turns: [
          { role: 'user', text: XSS_USER, sttLatencyMs: 320 },
          { role: 'agent', text: XSS_AGENT, interrupted: true, agentLatencyMs: 40, ttsLatencyMs: 150, voiceToVoiceMs: 700 },
          { role: 'user', text: 'what is two plus two', sttLatencyMs: 280 },
          { role: 'agent', text: 'Two plus two is 4.', agentLatencyMs: 30, ttsLatencyMs: 120, voiceToVoiceMs: 560 },
        ],
      },
      ...fillers,
    ]);
  });

  test.afterAll(async () => {
    await seeded?.server.stop();
  });

  async function signedIn(browser: Browser): Promise<Page> {
    const context = await browser.newContext({ baseURL: seeded.server.url, viewport: LAPTOP });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(seeded.email);
    await page.getByLabel('Password').fill(seeded.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/talk$/);
    return page;
  }

  test('markup in a transcript shows as text and runs nothing; an interrupted reply is marked', async ({ browser }) => {
    const page = await signedIn(browser);
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));

    await page.goto('/conversations');
    const row = rows(page).first();
    await expect(row).toContainText(XSS_USER); // its title: the first words
    await expect(conversationList(page).locator('img, script')).toHaveCount(0);

    await row.getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(XSS_USER);
    const texts = transcript(page).getByTestId('turn-text');
    await expect(texts).toHaveText([XSS_USER, XSS_AGENT, 'what is two plus two', 'Two plus two is 4.']);
    await expect(transcript(page).locator('img, script')).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    // Only the first reply was interrupted; both replies are in the chart.
    const agentTurns = transcript(page).locator('li[data-role="agent"]');
    await expect(agentTurns.nth(0).getByText('interrupted', { exact: true })).toBeVisible();
    await expect(agentTurns.nth(1).getByText('interrupted', { exact: true })).toHaveCount(0);
    await expect(agentTurns.nth(0).getByTestId('turn-latency')).toHaveText('→ reply text 40 ms · → first audio 150 ms · voice-to-voice 700 ms');
    await expect(transcript(page).locator('li[data-role="user"]').first().getByTestId('turn-latency')).toHaveText('speech end → transcript 320 ms');
    await expect(page.getByRole('img', { name: 'Voice-to-voice latency per reply' }).getByTestId('latency-bar')).toHaveCount(2);
    await page.getByText('Show the numbers as a table').click();
    // Reply 1: recognition 320 + agent 40 + voice 150 + other 190 = 700 ms.
    await expect(page.getByRole('table').getByRole('row').nth(1)).toHaveText(['1', '320 ms', '40 ms', '150 ms', '190 ms', '700 ms'].join(''));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'history-detail-seeded.png'), fullPage: true });
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a failed answer shows the server’s message and a way to try again; a bad address says what was wrong', async ({ browser }) => {
    const page = await signedIn(browser);
    let failing = true;
    await page.route('**/api/conversations?*', (route) =>
      failing
        ? route.fulfill({ status: 500, json: { error: { code: 'internal_error', message: 'The server failed to answer; try again.' } } })
        : route.continue(),
    );
    await page.goto('/conversations?from=yesterday');
    await expect(page.getByRole('status')).toContainText('“from=yesterday” in the address is not a date like 2025-01-31');
    const problem = page.getByRole('alert').filter({ hasText: 'The server failed to answer; try again.' });
    await expect(problem).toBeVisible();
    failing = false;
    await problem.getByRole('button', { name: 'Try again' }).click();
    await expect(rows(page)).toHaveCount(20);
    await page.context().close();
  });

  test('a long history loads page by page, by scrolling or with the keyboard, and filters by day', async ({ browser }) => {
    const page = await signedIn(browser);
    await page.goto('/conversations');
    await expect(rows(page)).toHaveCount(20);
    await expect(rows(page).nth(1)).toContainText('filler conversation number 1');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'history-list-seeded.png') });

    // The keyboard: "Load more" takes focus and Enter loads the rest.
    const loadMore = page.getByRole('button', { name: 'Load more' });
    await loadMore.focus();
    await page.keyboard.press('Enter');
    await expect(rows(page)).toHaveCount(1 + FILLERS);
    await expect(rows(page).last()).toContainText(`filler conversation number ${FILLERS}`);
    await expect(loadMore).toHaveCount(0);
    await expect(page.getByText('That is all of them.')).toBeVisible();

    // Scrolling: the end of the list coming into view loads the next page.
    await page.reload();
    await expect(rows(page)).toHaveCount(20);
    await rows(page).last().scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 5_000);
    await expect(rows(page)).toHaveCount(1 + FILLERS);

    // By day: conversations started on that day only, and the days are in the address.
    const third = localDay(noonDaysAgo(3));
    await page.getByLabel('From').fill(third);
    await page.getByLabel('To').fill(third);
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText('filler conversation number 3');
    await expect(page).toHaveURL(new RegExp(`\\?from=${third}&to=${third}$`));
    await page.getByLabel('From').fill(localDay(noonDaysAgo(5)));
    await expect(rows(page)).toHaveCount(3);
    // A day before the first: nothing matches.
    await page.getByLabel('To').fill(localDay(noonDaysAgo(FILLERS + 5)));
    await page.getByLabel('From').fill(localDay(noonDaysAgo(FILLERS + 9)));
    await expect(page.getByText('Nothing matches')).toBeVisible();
    await page.context().close();
  });
});

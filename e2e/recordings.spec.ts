/**
 * Recordings in Chromium (issue 11): with "Keep the audio of my conversations" on in Settings,
 * a turn spoken into the (fake) microphone is kept, and the conversation's page plays each
 * turn's recording to its end; with it off, as it is by default, nothing is kept.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { withFakeMicrophone } from './chromium';
import { expect, test } from './csp';
import { signUp } from './sign-up';

const EVENT_TIMEOUT = 90_000;
const SCREENSHOTS = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

test.use({ viewport: { width: 1280, height: 800 }, launchOptions: withFakeMicrophone('question.wav') });

/** Asks the question the fake microphone speaks, hears the answer, and stops; the conversation's id. */
async function holdSpokenTurn(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'Talk' }).click();
  await page.getByLabel('Echo cancellation').uncheck();
  await page.getByRole('button', { name: 'Start talking' }).click();
  const talk = page.getByRole('list', { name: 'Conversation' });
  await expect(talk.locator('li[data-role="user"][data-final="true"]')).toHaveCount(1, { timeout: EVENT_TIMEOUT });
  await expect(talk.locator('li[data-role="agent"][data-final="true"]')).toContainText('84', { timeout: EVENT_TIMEOUT });
  await expect(page.getByTestId('agent-state')).toHaveAttribute('data-state', 'listening', { timeout: EVENT_TIMEOUT });
  const conversationId = new URL(page.url()).searchParams.get('conversation')!;
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  return conversationId;
}

/** Plays a turn's recording with its button and waits for the <audio> element to reach its end. */
async function playToTheEnd(page: Page, role: 'user' | 'agent') {
  const turn = page.getByRole('list', { name: 'Transcript' }).locator(`li[data-role="${role}"]`);
  await turn.getByRole('button', { name: /^Play the recording \(\d+\.\d s\)$/ }).click();
  const audio = turn.getByTestId('turn-audio');
  await expect(turn.getByRole('button', { name: 'Stop the recording' })).toBeVisible();
  await audio.evaluate(
    (element: HTMLAudioElement) =>
      new Promise<void>((resolve, reject) => {
        if (element.ended) return resolve();
        element.addEventListener('ended', () => resolve(), { once: true });
        element.addEventListener('error', () => reject(new Error(`the recording did not play: ${element.error?.message}`)), { once: true });
      }),
  );
  const played = await audio.evaluate((element: HTMLAudioElement) => ({ duration: element.duration, currentTime: element.currentTime, ended: element.ended }));
  expect(played.ended).toBe(true);
  expect(played.duration).toBeGreaterThan(0.5);
  expect(played.currentTime).toBeGreaterThan(0.5);
  await expect(turn.getByRole('button', { name: /^Play the recording/ })).toBeVisible();
  return played.duration;
}

test('with the setting on, each spoken turn is kept and plays from the transcript', async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page, 'recorder');
  await page.getByRole('link', { name: 'Settings' }).click();
  const keep = page.getByRole('checkbox', { name: 'Keep the audio of my conversations' });
  await expect(keep).not.toBeChecked(); // off unless turned on
  await keep.check();
  await expect(page.getByText('On from your next conversation.')).toBeVisible();
  await page.reload();
  await expect(keep).toBeChecked();

  const conversationId = await holdSpokenTurn(page);
  await page.goto(`/conversations/${conversationId}`);
  // Each turn's audio is written just after the turn: the page shows it once it is there.
  const transcript = page.getByRole('list', { name: 'Transcript' });
  await expect(transcript.getByRole('button', { name: /^Play the recording/ })).toHaveCount(2, { timeout: 30_000 });
  const said = await playToTheEnd(page, 'user');
  const answered = await playToTheEnd(page, 'agent');
  // The question lasts about 1.5 s, the answer about 2 s (Flite).
  expect(said).toBeLessThan(10);
  expect(answered).toBeLessThan(10);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'recordings-detail.png'), fullPage: true });

  // Settings says what is kept, and deletes it all.
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId('recordings-kept')).toHaveText(/^2 recordings kept \(\d+ KB\)\.$/);
  await page.getByRole('button', { name: 'Delete my recordings' }).click();
  await page.getByRole('button', { name: 'Delete them' }).click();
  await expect(page.getByRole('status')).toHaveText('Deleted 2 recordings.');
  await expect(page.getByTestId('recordings-kept')).toHaveText('No recordings kept.');
  await page.goto(`/conversations/${conversationId}`);
  await expect(transcript.locator('li[data-role="agent"] [data-testid="turn-text"]')).toContainText('84');
  await expect(transcript.getByRole('button', { name: /^Play the recording/ })).toHaveCount(0);
});

test('with the setting off, as it is by default, nothing is kept', async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page, 'unrecorded');
  const conversationId = await holdSpokenTurn(page);
  await page.goto(`/conversations/${conversationId}`);
  const transcript = page.getByRole('list', { name: 'Transcript' });
  await expect(transcript.locator('li[data-role="agent"] [data-testid="turn-text"]')).toContainText('84');
  const detail = (await (await page.request.get(`/api/conversations/${conversationId}`)).json()) as { turns: Array<{ id: string; audio: unknown }> };
  expect(detail.turns.map((t) => t.audio)).toEqual([null, null]);
  for (const turn of detail.turns) expect((await page.request.get(`/api/conversations/${conversationId}/turns/${turn.id}/audio`)).status()).toBe(404);
  await expect(transcript.getByRole('button', { name: /^Play the recording/ })).toHaveCount(0);
});

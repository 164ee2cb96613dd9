/**
 * Talking to Parley in Chromium over the socket path (`?transport=socket`: this page's VAD,
 * PCM on /ws): synthesised speech is the microphone; the person's words appear, the agent
 * answers in text and in (non-silent) audio, and a reload shows both turns.
 * The WebRTC path: webrtc-talk.spec.ts.
 */
import { expect, test } from './csp';
import { withFakeMicrophone } from './chromium';
import { signUp } from './sign-up';

test.use({ launchOptions: withFakeMicrophone('question.wav') });

test('speak a question, hear the answer, find both turns after a reload', async ({ page }) => {
  await signUp(page, 'talker');
  await page.goto('/talk?transport=socket');

  // A test signal, not a room: no echo cancellation or noise suppression on it.
  await page.getByLabel('Echo cancellation').uncheck();
  await page.getByRole('button', { name: 'Start talking' }).click();
  await expect(page.getByTestId('agent-state')).toHaveAttribute('data-state', 'listening');
  await expect(page.getByTestId('transport')).toHaveAttribute('data-transport', 'socket');

  const conversation = page.getByRole('list', { name: 'Conversation' });
  const userLine = conversation.locator('li[data-role="user"][data-final="true"]');
  await expect(userLine).toHaveCount(1, { timeout: 60_000 });
  await expect(userLine).toContainText(/times/);
  await expect(userLine).toContainText(/seven/);

  const agentLine = conversation.locator('li[data-role="agent"][data-final="true"]');
  await expect(agentLine).toContainText('84');

  // Non-silent agent audio reached the page's playback.
  const stats = page.getByTestId('playback-stats');
  await expect.poll(async () => Number(await stats.getAttribute('data-peak')), { timeout: 30_000 }).toBeGreaterThan(0.05);
  await expect.poll(async () => Number(await stats.getAttribute('data-played-ms'))).toBeGreaterThan(500);
  await expect(page.getByTestId('agent-state')).toHaveAttribute('data-state', 'listening', { timeout: 30_000 });
  await expect(page.getByTestId('latency')).toContainText(/first audio \d+ ms/);
  await expect(page).toHaveURL(/\/talk\?conversation=[0-9a-f-]{36}&transport=socket$/);

  const heard = await userLine.innerText();
  await page.reload();
  const reloaded = page.getByRole('list', { name: 'Conversation' });
  await expect(reloaded.locator('li[data-role="user"]')).toHaveText(heard);
  await expect(reloaded.locator('li[data-role="agent"]')).toContainText('84');

  await page.getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('link', { name: /times/ })).toBeVisible();
});

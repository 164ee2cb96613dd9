/**
 * Talking to Parley in Chromium over WebRTC (issue 9): the fake microphone's track goes to the
 * server on a peer connection, the server's VAD ends the utterance, the agent's voice comes
 * back on the track. The page sends no user.audio.* at all.
 */
import { expect, test } from './csp';
import { wordErrorRate } from '../server/evaluation/stt/wer';
import { withFakeMicrophone } from './chromium';
import { FAKE_MIC_TEXT } from './global-setup';
import { signUp } from './sign-up';
import { inboundAudioBytes, observePeers, remotePeak, storedTurns } from './webrtc-page';

test.use({ launchOptions: withFakeMicrophone('webrtc-question.wav') });

const EVENT_TIMEOUT = 90_000;

test('over WebRTC: speak a question, the server ends it, the answer comes back on the track, both turns are stored', async ({ page }) => {
  test.setTimeout(180_000);
  await observePeers(page);
  await page.addInitScript(() => {
    window.__parleyPlaybackLog = [];
  });
  await signUp(page, 'rtc-talker');
  await page.getByLabel('Echo cancellation').uncheck();
  await page.getByRole('button', { name: 'Start talking' }).click();

  const transport = page.getByTestId('transport');
  await expect(transport, 'the peer connection came up (the fake microphone speaks 5 s after Start)').toHaveAttribute('data-phase', 'connected', { timeout: 20_000 });
  await expect(transport).toHaveAttribute('data-transport', 'webrtc');
  await expect(transport).toContainText('WebRTC');

  const conversation = page.getByRole('list', { name: 'Conversation' });
  const userLine = conversation.locator('li[data-role="user"][data-final="true"]');
  await expect(userLine).toHaveCount(1, { timeout: EVENT_TIMEOUT });
  const heard = (await userLine.innerText()).trim();
  expect(wordErrorRate(FAKE_MIC_TEXT.webrtcQuestion, heard), `heard "${heard}"`).toBeLessThanOrEqual(0.2);

  const agentLine = conversation.locator('li[data-role="agent"][data-final="true"]');
  await expect(agentLine).toContainText('54', { timeout: EVENT_TIMEOUT });

  // The agent's voice arrived on the peer connection: RTP bytes, and samples that are not silence.
  await expect.poll(() => inboundAudioBytes(page), { timeout: EVENT_TIMEOUT }).toBeGreaterThan(2000);
  await expect.poll(() => remotePeak(page), { timeout: EVENT_TIMEOUT }).toBeGreaterThan(0.05);
  // The page's own meter of what it plays saw it too, and the page follows the server back to listening.
  const stats = page.getByTestId('playback-stats');
  await expect.poll(async () => Number(await stats.getAttribute('data-peak'))).toBeGreaterThan(0.05);
  await expect.poll(async () => Number(await stats.getAttribute('data-played-ms'))).toBeGreaterThan(500);
  await expect(page.getByTestId('agent-state')).toHaveAttribute('data-state', 'listening', { timeout: EVENT_TIMEOUT });
  await expect(page.getByTestId('latency')).toContainText(/first audio \d+ ms/);
  await expect(page.getByRole('meter', { name: 'Agent voice level' })).toBeVisible();
  await expect(page.getByRole('meter', { name: 'Your voice level' })).toBeVisible();

  // The server decided the turn: the page sent no user audio on the socket, and no error came back.
  const log = await page.evaluate(() => window.__parleyPlaybackLog ?? []);
  expect(log.filter((e) => e.event === 'sent' && e.type.startsWith('user.audio'))).toEqual([]);
  expect(log.filter((e) => e.event === 'received' && e.type === 'error')).toEqual([]);
  expect(log).toContainEqual(expect.objectContaining({ event: 'sent', type: 'rtc.offer' }));
  expect(log).toContainEqual(expect.objectContaining({ event: 'received', type: 'rtc.answer' }));

  // Both turns are stored.
  await expect(page).toHaveURL(/\/talk\?conversation=[0-9a-f-]{36}$/);
  const turns = await storedTurns(page, ['user', 'agent']);
  expect(wordErrorRate(FAKE_MIC_TEXT.webrtcQuestion, turns[0].text)).toBeLessThanOrEqual(0.2);
  expect(turns[1].text).toContain('54');
  expect(turns[1].interrupted).toBe(false);
});

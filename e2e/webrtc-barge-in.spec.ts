/**
 * Barge-in over WebRTC in Chromium (issue 9): the server decides it. The fake microphone asks
 * "what can you do" (a long answer); once the answer is heard on the track, the test speaks
 * "what is nine times six" into the peer connection (the sender's track replaced by synthesised
 * speech: on a loaded machine the reply's latency varies too much for a WAV's fixed pause).
 * The server's VAD hears the second question on the track and stops the answer:
 * `agent.interrupt` (barge-in) and `agent.audio.end` (interrupted) reach the page, the track
 * goes quiet, the stored answer holds only what was sent, and the new question is answered.
 * The page itself sends nothing for it (no user.audio.*, no agent.interrupt).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './csp';
import { writeFile } from 'node:fs/promises';
import type { PlaybackLogEntry } from '../app/(app)/talk/voice-client';
import { composeReply } from '../server/providers/agent/builtin';
import { withFakeMicrophone } from './chromium';
import { signUp } from './sign-up';
import { warmUpRecogniser } from './warm-up';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { FAKE_MIC_TEXT } from './global-setup';
import { observePeers, speakIntoPeer, storedTurns } from './webrtc-page';

test.use({ launchOptions: withFakeMicrophone('webrtc-barge-in.wav') });

const EVENT_TIMEOUT = 90_000;

const playbackLog = (page: Page): Promise<PlaybackLogEntry[]> => page.evaluate(() => window.__parleyPlaybackLog ?? []);

test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  const file = testInfo.outputPath('page-log.json');
  const log = await page.evaluate(() => ({ playback: window.__parleyPlaybackLog, remote: window.__testRemoteLevels })).catch(() => null);
  await writeFile(file, JSON.stringify(log, null, 1));
  await testInfo.attach('page-log', { path: file, contentType: 'application/json' });
});

test('over WebRTC, speaking over the answer stops it on the track, keeps only what was sent, and the new question is answered', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  await observePeers(page);
  await page.addInitScript(() => {
    window.__parleyPlaybackLog = [];
  });
  await signUp(page, 'rtc-barger');
  await warmUpRecogniser(page, baseURL!, EVENT_TIMEOUT);
  const overTheAnswer = await synthesizeSpeech(FAKE_MIC_TEXT.webrtcBargeIn.overTheAnswer, { trailingSilenceMs: 300, seed: 4 });
  await closeSpeechEngines();
  await page.getByLabel('Echo cancellation').uncheck();
  await page.getByRole('button', { name: 'Start talking' }).click();
  await expect(page.getByTestId('transport')).toHaveAttribute('data-phase', 'connected', { timeout: 20_000 });

  // The first answer is heard on the track; then the person speaks over it.
  await page.waitForFunction(() => (window.__testRemoteLevels ?? []).filter((l) => l.peak > 0.05).length > 10, null, { timeout: EVENT_TIMEOUT });
  const spokeAt = await speakIntoPeer(page, overTheAnswer);
  const interrupted = await page.waitForFunction(
    () => {
      const log = window.__parleyPlaybackLog ?? [];
      const stop = log.find((e) => e.event === 'received' && e.type === 'agent.interrupt');
      return stop && stop.event === 'received' ? { id: stop.utteranceId!, reason: stop.reason, at: stop.at } : null;
    },
    null,
    { timeout: EVENT_TIMEOUT },
  );
  const stop = (await interrupted.jsonValue())!;
  expect(stop.reason).toBe('barge-in');
  const audibleBefore = await page.evaluate(
    (at) => (window.__testRemoteLevels ?? []).filter((l) => l.at < at && l.peak > 0.05).length,
    stop.at,
  );
  expect(audibleBefore, 'the first answer was heard on the track before the interruption').toBeGreaterThan(5);
  expect(stop.at, 'the server stopped the answer after the person spoke over it').toBeGreaterThan(spokeAt);

  // The new question is answered.
  const conversation = page.getByRole('list', { name: 'Conversation' });
  const answer = conversation.locator('li[data-role="agent"][data-final="true"]').filter({ hasText: '54' });
  await expect(answer).toHaveCount(1, { timeout: EVENT_TIMEOUT });
  await expect(page.getByTestId('agent-state')).toHaveAttribute('data-state', 'listening', { timeout: EVENT_TIMEOUT });
  await expect(conversation.locator('li[data-role="agent"]').first()).toContainText('(interrupted)');

  const log = await playbackLog(page);
  const after = log.filter((e) => e.at > stop.at);
  expect(log).toContainEqual(expect.objectContaining({ event: 'received', type: 'agent.audio.end', utteranceId: stop.id, reason: 'interrupted' }));
  // The server decided: the page sent no user audio and did not interrupt.
  expect(log.filter((e) => e.event === 'sent' && (e.type.startsWith('user.audio') || e.type === 'agent.interrupt'))).toEqual([]);
  // No text of the old answer after its interruption.
  expect(after.filter((e) => e.event === 'received' && e.type === 'agent.text' && e.utteranceId === stop.id && !e.final)).toEqual([]);

  // The old reply stopped: the track is quiet from shortly after the interruption (jitter
  // buffer and the analyser's window) until the new answer's first text.
  const newTextAt = after.find((e) => e.event === 'received' && e.type === 'agent.text' && e.utteranceId !== stop.id)!.at;
  const loudAfterStop = await page.evaluate(
    ([from, to]) => (window.__testRemoteLevels ?? []).filter((l) => l.at > from && l.at < to && l.peak > 0.02),
    [stop.at + 400, newTextAt] as const,
  );
  expect(newTextAt - stop.at, 'the new answer came after the person finished speaking').toBeGreaterThan(400);
  expect(loudAfterStop, 'agent audio on the track after the interruption').toEqual([]);

  // Stored: the interrupted answer is marked so and holds a strict prefix of the full answer.
  const turns = await storedTurns(page, ['user', 'agent', 'user', 'agent']);
  const [question, heard, spokenOver, newAnswer] = turns;
  const fullReply = composeReply({ history: [{ role: 'user', text: question.text }], now: new Date() }).join(' ');
  expect(heard.interrupted).toBe(true);
  expect(heard.text.length).toBeGreaterThan(0);
  expect(heard.text.length).toBeLessThan(fullReply.length);
  expect(fullReply.startsWith(heard.text)).toBe(true);
  expect(spokenOver.text).toMatch(/nine|times|six/);
  expect(newAnswer.interrupted).toBe(false);
  expect(newAnswer.text).toContain('54');
  test.info().annotations.push({ type: 'webrtc-barge-in', description: `spoke over the answer → agent.interrupt on the page ${Math.round(stop.at - spokeAt)} ms; stored "${heard.text}" of "${fullReply}"; new answer text ${Math.round(newTextAt - stop.at)} ms after the interruption` });
  console.log(`[webrtc-barge-in] ${test.info().annotations.at(-1)!.description}`);
});

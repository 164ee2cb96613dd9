/**
 * Barge-in in Chromium on the socket path (`?transport=socket`: this page's VAD decides it;
 * over WebRTC the server does: webrtc-barge-in.spec.ts) (issue 8, rule 4: nothing stale plays). The fake microphone asks
 * "what can you do" (a long answer), then, while the agent answers, "what is two plus two".
 * The page must stop the answer at once and play none of it afterwards, answer the new
 * question, and the stored answer must hold only what was heard.
 *
 * What the page did with agent audio is read from its test-only playback log
 * (`window.__parleyPlaybackLog`, see voice-client.ts), including what the playback worklet
 * reports it actually played. How many of the server's chunks are still in flight when the
 * page interrupts depends on timing (on a quiet loopback, often none), so the test also
 * delivers some late ones itself. Every wait is for an event, with room for a loaded machine.
 */
import { expect, test, type Page } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import type { PlaybackLogEntry } from '../app/(app)/talk/voice-client';
import { composeReply } from '../server/providers/agent/builtin';
import { withFakeMicrophone } from './chromium';
import { signUp } from './sign-up';
import { warmUpRecogniser } from './warm-up';

test.use({ launchOptions: withFakeMicrophone('barge-in.wav') });

const EVENT_TIMEOUT = 90_000;

interface StoredTurn {
  role: 'user' | 'agent';
  text: string;
  interrupted: boolean;
  sttLatencyMs: number | null;
  voiceToVoiceMs: number | null;
}

/**
 * A slow network, simulated: the socket goes through the test, which forwards everything and,
 * when the page interrupts an agent utterance (and again when the server confirms it), delivers
 * a few more chunks of it, as if they had still been on their way. Returns the sequence
 * numbers delivered late, per agent utterance.
 */
async function injectLateChunks(page: Page): Promise<Map<string, number[]>> {
  const late = new Map<string, number[]>();
  await page.routeWebSocket('/ws', (ws) => {
    const server = ws.connectToServer();
    const lastChunk = new Map<string, { type: string; utteranceId: string; sequence: number }>();
    const deliverLate = (utteranceId: string, count: number) => {
      const chunk = lastChunk.get(utteranceId);
      if (!chunk) return;
      for (let i = 0; i < count; i++) {
        chunk.sequence++;
        ws.send(JSON.stringify(chunk));
        late.set(utteranceId, [...(late.get(utteranceId) ?? []), chunk.sequence]);
      }
    };
    server.onMessage((message) => {
      ws.send(message);
      const m = JSON.parse(String(message));
      if (m.type === 'agent.audio.chunk') lastChunk.set(m.utteranceId, { ...m, sequence: Math.max(m.sequence, lastChunk.get(m.utteranceId)?.sequence ?? 0) });
      if (m.type === 'agent.audio.end' && m.reason === 'interrupted') deliverLate(m.utteranceId, 2);
    });
    ws.onMessage((message) => {
      server.send(message);
      const m = JSON.parse(String(message));
      if (m.type === 'agent.interrupt' && m.utteranceId) deliverLate(m.utteranceId, 5);
    });
  });
  return late;
}

const playbackLog = (page: Page) => page.evaluate(() => window.__parleyPlaybackLog ?? []);

test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  // What the page did, to read beside the trace.
  const log = await playbackLog(page).catch(() => []);
  const file = testInfo.outputPath('playback-log.json');
  await writeFile(file, JSON.stringify(log, null, 1));
  await testInfo.attach('playback-log', { path: file, contentType: 'application/json' });
});

test('speaking over the agent stops its answer at once, none of it plays afterwards, and only what was heard is kept', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  await page.addInitScript(() => {
    window.__parleyPlaybackLog = [];
  });
  await signUp(page, 'barger');
  await warmUpRecogniser(page, baseURL!, EVENT_TIMEOUT);
  const late = await injectLateChunks(page);
  await page.goto('/talk?transport=socket');
  await page.getByLabel('Echo cancellation').uncheck();
  await page.getByRole('button', { name: 'Start talking' }).click();

  // The first answer is heard (the worklet reports playing it), before the person speaks again.
  const first = await page.waitForFunction(
    () => {
      let starts = 0;
      for (const e of window.__parleyPlaybackLog ?? []) {
        if (e.event === 'worklet' && e.type === 'progress' && e.playedMs > 0) return { heard: e.utteranceId };
        if (e.event === 'sent' && e.type === 'user.audio.start' && ++starts === 2) return { heard: null };
      }
      return null;
    },
    null,
    { timeout: EVENT_TIMEOUT },
  );
  const firstHeard = (await first.jsonValue())!.heard;
  expect(
    firstHeard,
    "the second question began before any of the first answer played: the reply came later than the fake microphone's pause allows (BARGE_IN_GAP_MS in global-setup.ts), or the first question was cut in two",
  ).not.toBeNull();
  const interruptedId = firstHeard!;

  // The person speaks over it: the page interrupts it.
  await page.waitForFunction(
    (id) => window.__parleyPlaybackLog?.some((e) => e.event === 'sent' && e.type === 'agent.interrupt' && e.utteranceId === id),
    interruptedId,
    { timeout: EVENT_TIMEOUT },
  );

  // The new question is answered (2 plus 2 is 4), and that answer plays to its end.
  const conversation = page.getByRole('list', { name: 'Conversation' });
  await expect(conversation.locator('li[data-role="agent"][data-final="true"]').filter({ hasText: '4' })).toHaveCount(1, { timeout: EVENT_TIMEOUT });
  await page.waitForFunction(
    (id) => window.__parleyPlaybackLog?.some((e) => e.event === 'worklet' && e.type === 'drained' && e.utteranceId !== null && e.utteranceId !== id),
    interruptedId,
    { timeout: EVENT_TIMEOUT },
  );
  await expect(page.getByTestId('agent-state')).toHaveAttribute('data-state', 'listening');

  const log: PlaybackLogEntry[] = await playbackLog(page);
  const at = log.findIndex((e) => e.event === 'sent' && e.type === 'agent.interrupt' && e.utteranceId === interruptedId);
  const interrupt = log[at] as Extract<PlaybackLogEntry, { event: 'sent' }>;

  // At once: in the same step as the person's start, playback is flushed (one message), the
  // server is told how much was heard, and only then is the new utterance started.
  expect(log[at - 1]).toMatchObject({ event: 'flush' });
  expect(log[at + 1]).toMatchObject({ event: 'sent', type: 'user.audio.start' });
  expect(log.filter((e) => e.event === 'flush')).toHaveLength(1);
  expect(interrupt.playedMs).toBeGreaterThan(0);

  // The worklet confirms the flush, having played no more than a moment past what was reported.
  const cleared = log.findIndex((e, i) => i > at && e.event === 'worklet' && e.type === 'cleared');
  expect(cleared).toBeGreaterThan(at);
  const clearedEntry = log[cleared] as Extract<PlaybackLogEntry, { event: 'worklet' }>;
  expect(clearedEntry.utteranceId).toBe(interruptedId);
  const overrunMs = clearedEntry.playedMs - interrupt.playedMs!;
  expect(overrunMs).toBeLessThan(500);

  // None of it plays afterwards: no chunk of it is queued, and the worklet plays none of it.
  const after = log.slice(at + 1);
  expect(after.filter((e) => e.event === 'chunk' && e.utteranceId === interruptedId && e.played)).toEqual([]);
  expect(log.slice(cleared + 1).filter((e) => e.event === 'worklet' && e.utteranceId === interruptedId)).toEqual([]);
  const droppedLate = after.filter((e) => e.event === 'chunk' && e.utteranceId === interruptedId && !e.played).length;
  // Including the late chunks the network "delayed": each arrived, and each was dropped.
  expect(late.get(interruptedId)?.length).toBeGreaterThan(0);
  for (const sequence of late.get(interruptedId) ?? []) {
    expect(after).toContainEqual(expect.objectContaining({ event: 'chunk', utteranceId: interruptedId, sequence, played: false }));
  }

  // While the person speaks, no agent audio plays at all.
  const userStart = at + 1;
  const userEnd = log.findIndex((e, i) => i > userStart && e.event === 'sent' && e.type === 'user.audio.end');
  expect(userEnd).toBeGreaterThan(userStart);
  expect(log.slice(userStart, userEnd).filter((e) => e.event === 'chunk' && e.played)).toEqual([]);

  // The server confirmed the interruption, and the new answer played from its first chunk.
  expect(after).toContainEqual(expect.objectContaining({ event: 'received', type: 'agent.interrupt', utteranceId: interruptedId }));
  expect(after).toContainEqual(expect.objectContaining({ event: 'received', type: 'agent.audio.end', utteranceId: interruptedId, reason: 'interrupted' }));
  const answerChunks = after.filter((e) => e.event === 'chunk' && e.utteranceId !== interruptedId);
  expect(answerChunks.length).toBeGreaterThan(10);
  expect(answerChunks.every((e) => e.event === 'chunk' && e.played)).toBe(true);

  // What is stored: the interrupted answer is marked so and holds a strict prefix of the full answer.
  const conversationId = new URL(page.url()).searchParams.get('conversation');
  expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
  let turns: StoredTurn[] = [];
  await expect
    .poll(
      async () => {
        const response = await page.request.get(`/api/conversations/${conversationId}`);
        turns = ((await response.json()) as { turns: StoredTurn[] }).turns;
        return turns.map((t) => t.role);
      },
      { timeout: EVENT_TIMEOUT },
    )
    .toEqual(['user', 'agent', 'user', 'agent']);
  const [question, heard, overTheAnswer, answer] = turns;
  const fullReply = composeReply({ history: [{ role: 'user', text: question.text }], now: new Date() }).join(' ');
  expect(heard.interrupted).toBe(true);
  expect(heard.text.length).toBeGreaterThan(0);
  expect(heard.text.length).toBeLessThan(fullReply.length);
  expect(fullReply.startsWith(heard.text)).toBe(true);
  expect(overTheAnswer.text).toMatch(/two|plus|2/);
  expect(answer.interrupted).toBe(false);
  expect(answer.text).toContain('4');

  // The conversation page shows the same.
  await page.goto(`/conversations/${conversationId}`);
  const agentTurns = page.locator('li[data-role="agent"]');
  await expect(agentTurns.first()).toContainText(heard.text);
  await expect(agentTurns.first()).toContainText('interrupted');

  // For the record: when each step of the first turn happened (page clock, ms).
  const when = (match: (e: PlaybackLogEntry) => boolean) => Math.round(log.find(match)?.at ?? NaN);
  const timeline = [
    `question end sent ${when((e) => e.event === 'sent' && e.type === 'user.audio.end')}`,
    `final ${when((e) => e.event === 'received' && e.type === 'transcript.final')}`,
    `first text ${when((e) => e.event === 'received' && e.type === 'agent.text')}`,
    `first audio ${when((e) => e.event === 'chunk' && e.utteranceId === interruptedId)}`,
    `interrupt ${Math.round(interrupt.at)}`,
    `server: speech end → final ${question.sttLatencyMs} ms, → first audio ${heard.voiceToVoiceMs} ms`,
  ].join(', ');
  test.info().annotations.push({
    type: 'barge-in',
    description: `${timeline}; heard ${interrupt.playedMs} ms of ${interruptedId}; worklet played ${overrunMs.toFixed(0)} ms more before the flush; ${droppedLate} late chunks dropped (${late.get(interruptedId)?.length} of them injected); stored "${heard.text}"`,
  });
  console.log(`[barge-in] ${test.info().annotations.at(-1)!.description}`);
});

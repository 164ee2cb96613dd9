/**
 * LLM agent benchmark: spoken turns through the real /ws of the production build with
 * AGENT_PROVIDER=openai pointed at a local Chat Completions server that emits tokens at a fixed
 * rate (the embedded recogniser and voice otherwise). The fake model and this script share one
 * clock, so the figures are exact: the model's first token → the first agent audio at the
 * client, and a barge-in (user.audio.start sent) → the upstream request's connection closed.
 * Not a test: figures, not pass/fail.
 *   npm run bench   (or: tsx scripts/bench-models.ts [turns=16] [msPerToken=20])
 */
import { ContractClient } from '../server/testing/contract-client';
import { startFakeChatServer, tokensOf } from '../server/testing/fake-providers/chat-completions';
import { startServer } from '../server/testing/server-process';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { signUp } from '../server/testing/users';

const turns = Number(process.argv[2] ?? 16);
const msPerToken = Number(process.argv[3] ?? 20);
const SHORT = 'Eighty-four. Twelve times seven is eighty-four, and I am glad to help with more sums.';
const LONG = `Eighty-four. ${'Here is a much longer answer that goes on and on while the model keeps writing. '.repeat(12)}`;

const stats: Record<string, number[]> = {
  "model's first token → first agent audio at the client": [],
  "first sentence's end (next token) → first agent audio": [],
  'barge-in (user.audio.start sent) → upstream request closed': [],
};

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const model = await startFakeChatServer();
// Every other reply is long, so the model is still writing when the person speaks over it.
model.script = (request) => ({ tokens: tokensOf(request.index % 2 === 1 ? LONG : SHORT), tokenIntervalMs: msPerToken });
const server = await startServer({ env: { AGENT_PROVIDER: 'openai', AGENT_BASE_URL: model.baseUrl, AGENT_MODEL: 'bench' } });
try {
  const person = await signUp(server.url, 'BenchModels');
  const question = await synthesizeSpeech('what is twelve times seven', { leadingSilenceMs: 200, trailingSilenceMs: 200 });
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  await client.next('session.ready');
  const replied = new Set<string>();
  for (let i = 0; i < turns; i++) {
    const from = client.received.length;
    const requestIndex = model.requests.length;
    await client.speak(`t${i}`, question, { realtime: true });
    const upstream = await model.request(requestIndex);
    const chunk = await client.next('agent.audio.chunk', (c) => !replied.has(c.utteranceId), { from, timeoutMs: 60_000 });
    replied.add(chunk.utteranceId);
    const firstAudioAt = client.arrivals[client.received.indexOf(chunk)];
    stats["model's first token → first agent audio at the client"].push(firstAudioAt - upstream.tokenAt[0]);
    // The splitter knows "Eighty-four." is a sentence once the next token has begun.
    if (upstream.tokenAt[1] !== undefined) stats["first sentence's end (next token) → first agent audio"].push(firstAudioAt - upstream.tokenAt[1]);
    if (requestIndex % 2 === 1) {
      const bargedInAt = performance.now();
      client.send({ type: 'user.audio.start', utteranceId: `b${i}`, timestamp: Date.now() });
      const closedAt = await upstream.closed;
      if (!upstream.completed) stats['barge-in (user.audio.start sent) → upstream request closed'].push(closedAt - bargedInAt);
      client.send({ type: 'user.audio.end', utteranceId: `b${i}`, timestamp: Date.now() });
      await client.next('agent.audio.end', (e) => e.utteranceId === chunk.utteranceId, { from });
    } else {
      await client.next('agent.audio.end', (e) => e.utteranceId === chunk.utteranceId, { from, timeoutMs: 60_000 });
    }
  }
  await client.close();

  console.log(`\nParley LLM-agent benchmark: ${turns} turns over /ws on loopback, a local model at ${msPerToken} ms per token, the embedded voice\n`);
  console.log('stage'.padEnd(62) + 'median ms'.padStart(11) + 'p95 ms'.padStart(9) + 'n'.padStart(5));
  for (const [name, values] of Object.entries(stats)) {
    if (values.length) console.log(name.padEnd(62) + quantile(values, 0.5).toFixed(1).padStart(11) + quantile(values, 0.95).toFixed(1).padStart(9) + String(values.length).padStart(5));
  }
  console.log('\ntargets: first token → first agent audio ≤ 150 ms; barge-in → upstream request closed ≤ 50 ms');
} finally {
  await server.stop();
  await model.close();
  closeSpeechEngines();
}

/**
 * Voice pipeline benchmark: N scripted turns through the real /ws of the production build
 * (embedded engines), speech sent in real time as a microphone would. Prints median and p95
 * of each stage latency and of barge-in stop time. Not a test: figures, not pass/fail.
 *   npm run bench -- [turns=20]
 */
import { ContractClient } from '../server/testing/contract-client';
import { startServer } from '../server/testing/server-process';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { signUp } from '../server/testing/users';

const turns = Number(process.argv[2] ?? 20);
const questions = ['what is twelve times seven', 'what time is it', 'my name is peter', 'what is my name', 'tell me the date today', 'what is nine times six', 'hello there', 'what can you do'];

const stats: Record<string, number[]> = { 'speech end → final transcript': [], 'final transcript → first reply text': [], 'first text → first audio': [], 'speech end → first agent audio (voice-to-voice)': [], 'barge-in: interrupt sent → agent.audio.end': [] };
const serverStats: Record<string, number[]> = { stt: [], agent: [], tts: [], voiceToVoice: [] };

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const server = await startServer();
try {
  const person = await signUp(server.url, 'Bench');
  const audio = new Map<string, Int16Array>();
  for (const q of questions) audio.set(q, await synthesizeSpeech(q, { leadingSilenceMs: 200, trailingSilenceMs: 200 }));
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  const { conversationId } = await client.next('session.ready');

  const replied = new Set<string>();
  for (let i = 0; i < turns; i++) {
    const question = questions[i % questions.length];
    const id = `t${i}`;
    const from = client.received.length;
    await client.speak(id, audio.get(question)!, { realtime: true });
    const endSent = performance.now();
    const at = (m: object) => client.arrivals[client.received.indexOf(m as never)];
    const final = await client.next('transcript.final', (m) => m.utteranceId === id, { from });
    // The previous reply's last messages may still arrive: match this turn's reply by id.
    const chunk = await client.next('agent.audio.chunk', (c) => !replied.has(c.utteranceId), { from });
    replied.add(chunk.utteranceId);
    const text = await client.next('agent.text', (t) => t.utteranceId === chunk.utteranceId, { from });
    stats['speech end → final transcript'].push(at(final) - endSent);
    stats['final transcript → first reply text'].push(at(text) - at(final));
    stats['first text → first audio'].push(at(chunk) - at(text));
    stats['speech end → first agent audio (voice-to-voice)'].push(at(chunk) - endSent);
    if (i % 2 === 1) {
      // Every other turn, barge in right after the first audio.
      const sent = performance.now();
      client.send({ type: 'agent.interrupt', timestamp: Date.now() });
      const end = await client.next('agent.audio.end', (e) => e.utteranceId === chunk.utteranceId, { from });
      stats['barge-in: interrupt sent → agent.audio.end'].push(at(end) - sent);
    } else {
      await client.next('agent.audio.end', (e) => e.utteranceId === chunk.utteranceId, { from });
    }
  }
  await client.close();

  const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
  const { turns: stored } = (await response.json()) as { turns: Array<{ role: string; sttLatencyMs: number | null; agentLatencyMs: number | null; ttsLatencyMs: number | null; voiceToVoiceMs: number | null }> };
  for (const t of stored) {
    if (t.role === 'user' && t.sttLatencyMs !== null) serverStats.stt.push(t.sttLatencyMs);
    if (t.role === 'agent') {
      if (t.agentLatencyMs !== null) serverStats.agent.push(t.agentLatencyMs);
      if (t.ttsLatencyMs !== null) serverStats.tts.push(t.ttsLatencyMs);
      if (t.voiceToVoiceMs !== null) serverStats.voiceToVoice.push(t.voiceToVoiceMs);
    }
  }

  console.log(`\nParley voice benchmark: ${turns} turns over /ws on loopback (client clock)\n`);
  console.log('stage'.padEnd(52) + 'median ms'.padStart(11) + 'p95 ms'.padStart(9) + 'n'.padStart(5));
  for (const [name, values] of Object.entries(stats)) {
    if (values.length) console.log(name.padEnd(52) + quantile(values, 0.5).toFixed(1).padStart(11) + quantile(values, 0.95).toFixed(1).padStart(9) + String(values.length).padStart(5));
  }
  console.log('\nas stored by the server (server clock):');
  for (const [name, values] of Object.entries(serverStats)) {
    if (values.length) console.log(`  ${name.padEnd(50)}` + quantile(values, 0.5).toFixed(1).padStart(11) + quantile(values, 0.95).toFixed(1).padStart(9) + String(values.length).padStart(5));
  }
  console.log('\ntargets: voice-to-voice median ≤ 300 ms; barge-in ≤ 50 ms');
} finally {
  await server.stop();
  await closeSpeechEngines();
}

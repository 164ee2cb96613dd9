/**
 * Every stage switched by configuration alone, through /ws of the production server: a
 * Whisper-style recogniser, a Chat Completions agent and an OpenAI-style voice (all local
 * servers speaking the real wire formats), then Deepgram's live API as the recogniser.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ContractClient } from '../testing/contract-client';
import { startFakeChatServer, tokensOf, type FakeChatServer } from '../testing/fake-providers/chat-completions';
import { blocksOf, startFakeDeepgram, type FakeDeepgram } from '../testing/fake-providers/deepgram';
import { startFakeSpeechServer, type FakeSpeechServer } from '../testing/fake-providers/speech';
import { startFakeTranscriptionServer, type FakeTranscriptionServer } from '../testing/fake-providers/transcriptions';
import { startServer, type RunningServer } from '../testing/server-process';
import { signUp } from '../testing/users';
import { decodeAudioChunk } from '../../lib/audio/pcm';

const running: Array<{ close(): Promise<void> } | RunningServer> = [];
afterAll(async () => {
  for (const thing of running.reverse()) await ('stop' in thing ? thing.stop() : thing.close());
});

/** A second of something to say (the fakes do not listen to what it is). */
const utterance = Int16Array.from({ length: 16000 }, (_, i) => Math.round(4000 * Math.sin(i / 9)));

describe('Whisper-style recognition, an LLM and an OpenAI-style voice', () => {
  let chat: FakeChatServer;
  let transcriptions: FakeTranscriptionServer;
  let speech: FakeSpeechServer;
  let server: RunningServer;

  it('hold a turn: the transcript from the upload, the reply from the model, its sentences spoken at 16 kHz', async () => {
    [chat, transcriptions, speech] = await Promise.all([startFakeChatServer(), startFakeTranscriptionServer(), startFakeSpeechServer()]);
    running.push(chat, transcriptions, speech);
    server = await startServer({
      env: {
        STT_PROVIDER: 'openai',
        STT_BASE_URL: transcriptions.baseUrl,
        STT_MODEL: 'Systran/faster-whisper-small',
        AGENT_PROVIDER: 'openai',
        AGENT_BASE_URL: chat.baseUrl,
        AGENT_MODEL: 'llama3.2',
        TTS_PROVIDER: 'openai',
        TTS_BASE_URL: speech.baseUrl,
        TTS_MODEL: 'kokoro',
        TTS_VOICE: 'af_bella',
      },
    });
    running.push(server);
    transcriptions.script = { text: 'What is the capital of France?' };
    chat.script = { tokens: tokensOf('The capital of France is Paris. It is on the Seine.'), tokenIntervalMs: 20 };
    const person = await signUp(server.url, 'Remote');
    const client = await ContractClient.connect(server.url, { cookie: person.cookie });
    await client.next('session.ready');
    await client.speak('q1', utterance);

    expect((await client.next('transcript.final', (f) => f.utteranceId === 'q1')).text).toBe('What is the capital of France?');
    expect(transcriptions.requests[0].file?.audio.samples.length).toBe(utterance.length);
    const done = await client.next('agent.audio.end');
    expect(done.reason).toBe('completed');
    expect(chat.requests[0].body.messages?.at(-1)).toEqual({ role: 'user', content: 'What is the capital of France?' });
    expect(speech.requests.map((r) => [r.body.input, r.body.voice, r.body.response_format])).toEqual([
      ['The capital of France is Paris.', 'af_bella', 'pcm'],
      ['It is on the Seine.', 'af_bella', 'pcm'],
    ]);
    // 60 ms per character at 24 kHz, heard as 16 kHz.
    const samples = client.all('agent.audio.chunk').reduce((n, c) => n + (decodeAudioChunk(c.audio) as { ok: true; samples: Int16Array }).samples.length, 0);
    const expected = ('The capital of France is Paris.'.length + 'It is on the Seine.'.length) * 60 * 16;
    expect(Math.abs(samples - expected)).toBeLessThan(640);
    await client.close();
  });

  it("speak in the person's chosen voice, from the server's list", async () => {
    const person = await signUp(server.url, 'Voice');
    const listed = (await (await fetch(`${server.url}/api/settings`, { headers: { cookie: person.cookie } })).json()) as { voices: string[] };
    expect(listed.voices).toEqual(['af_bella', 'af_heart', 'bm_george']);
    const saved = await fetch(`${server.url}/api/settings`, {
      method: 'PUT',
      headers: { cookie: person.cookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ systemPrompt: null, voice: 'bm_george' }),
    });
    expect(saved.status).toBe(200);
    const client = await ContractClient.connect(server.url, { cookie: person.cookie });
    await client.next('session.ready');
    const from = speech.requests.length;
    await client.speak('q1', utterance);
    await client.next('agent.audio.end');
    expect(speech.requests.slice(from).map((r) => r.body.voice)).toEqual(['bm_george', 'bm_george']);
    await client.close();
  });

  it('say which stage failed when one does, and the next turn works', async () => {
    const person = await signUp(server.url, 'Remote2');
    const client = await ContractClient.connect(server.url, { cookie: person.cookie });
    await client.next('session.ready');
    speech.script = { status: 500 };
    await client.speak('q1', utterance);
    expect(await client.next('error')).toMatchObject({ code: 'tts_failed', message: 'Speech synthesis failed: The speech synthesis server refused the request (HTTP 500): it failed; try again.' });
    // The hosted voice failed: the embedded one says sorry, through the same socket audio.
    const apology = await client.next('agent.text', (t) => t.final && t.text.startsWith('Sorry'));
    expect(await client.next('agent.audio.end', (e) => e.utteranceId === apology.utteranceId)).toMatchObject({ reason: 'completed' });

    speech.script = {};
    transcriptions.script = { status: 401 };
    let from = client.received.length;
    await client.speak('q2', utterance);
    expect(await client.next('error', () => true, { from })).toMatchObject({ code: 'stt_failed', utteranceId: 'q2', message: 'Speech recognition failed: The speech recognition server refused the request (HTTP 401): check STT_API_KEY. Please say that again.' });
    const sorry = await client.next('agent.text', (t) => t.final, { from });
    expect(sorry.text).toMatch(/say it again/);
    await client.next('agent.audio.end', (e) => e.utteranceId === sorry.utteranceId, { from });

    transcriptions.script = {};
    from = client.received.length;
    await client.speak('q3', utterance);
    expect(await client.next('agent.audio.end', () => true, { from })).toMatchObject({ reason: 'completed' });
    await client.close();
  });
});

describe("Deepgram's live API", () => {
  let deepgram: FakeDeepgram;

  it('gives partials while the person speaks and the final when they stop', async () => {
    deepgram = await startFakeDeepgram();
    running.push(deepgram);
    const server = await startServer({ env: { STT_PROVIDER: 'deepgram', STT_BASE_URL: deepgram.url, STT_API_KEY: deepgram.apiKey } });
    running.push(server);
    const person = await signUp(server.url, 'Deepgram');
    const client = await ContractClient.connect(server.url, { cookie: person.cookie });
    await client.next('session.ready');
    await client.speak('q1', blocksOf([1, 2, 3, 4]), { realtime: true });
    expect((await client.next('transcript.final')).text).toBe('w1 w2 w3 w4');
    expect(client.all('transcript.partial').map((p) => p.text)).toContain('w1 w2');
    expect(deepgram.connections[0].closeStreamed).toBe(true);
    expect((await deepgram.connections[0].closed).code).toBe(1000);
    // The built-in agent answers what it heard.
    expect(await client.next('agent.text', (t) => t.final)).toBeTruthy();
    expect(server.output()).not.toContain(deepgram.apiKey);
    await client.close();
  });
});

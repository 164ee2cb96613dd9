/**
 * A provider's own time-out (ProviderTimeout: an external model did not connect, send its first
 * byte or finish in time) reaches the client as `provider_timeout`, from whichever stage it came,
 * with the stage named in the message; the session returns to listening and the next turn works.
 */
import { describe, expect, it } from 'vitest';
import { ScriptedStt, ToneTts, VoiceHarness } from '../testing/voice-harness';
import type { TtsRequest } from './tts/types';
import { ProviderTimeout } from './errors';

class TimingOutTts extends ToneTts {
  timeOutNext = true;
  override async *synthesize(request: TtsRequest): AsyncIterable<Int16Array> {
    if (this.timeOutNext) {
      this.timeOutNext = false;
      throw new ProviderTimeout('The speech server sent nothing within 10 s.');
    }
    yield* super.synthesize(request);
  }
}

describe('a provider time-out', () => {
  it('from the agent is provider_timeout, and the next turn is answered', async () => {
    const h = new VoiceHarness();
    h.agent.failNext = new ProviderTimeout('The language model server sent nothing within 15 s.');
    h.say();
    const error = await h.waitFor('error');
    expect(error).toMatchObject({ code: 'provider_timeout', fatal: false, message: 'The agent failed to reply: The language model server sent nothing within 15 s.' });
    await h.until(() => h.session.state === 'listening', 'listening');
    const from = h.messages.length;
    h.say();
    expect(await h.waitFor('agent.audio.end', (e) => e.reason === 'completed', from)).toBeTruthy();
  });

  it('from the recogniser is provider_timeout for that utterance', async () => {
    const stt = new ScriptedStt();
    stt.failNext = new ProviderTimeout('The speech recognition server did not answer within 10 s.');
    const h = new VoiceHarness({ stt });
    const id = h.say();
    expect(await h.waitFor('error')).toMatchObject({
      code: 'provider_timeout',
      utteranceId: id,
      message: 'Speech recognition failed: The speech recognition server did not answer within 10 s. Please say that again.',
    });
    await h.until(() => h.session.state === 'listening', 'listening');
  });

  it('from the voice is provider_timeout, and the reply ends', async () => {
    const h = new VoiceHarness({ tts: new TimingOutTts() });
    h.say();
    expect(await h.waitFor('error')).toMatchObject({ code: 'provider_timeout', message: 'Speech synthesis failed: The speech server sent nothing within 10 s.' });
    await h.until(() => h.session.state === 'listening', 'listening');
  });

  it('other provider errors keep their stage codes', async () => {
    const h = new VoiceHarness();
    h.agent.failNext = new Error('refused');
    h.say();
    expect((await h.waitFor('error')).code).toBe('agent_failed');
  });
});

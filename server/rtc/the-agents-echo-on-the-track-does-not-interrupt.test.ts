/**
 * The echo gate over WebRTC: the caller has no echo cancellation, so the agent's own voice
 * comes back on their track 20 dB down, as they hear it. It must not interrupt the agent.
 * A real werift peer on loopback: the agent's Opus packets are decoded as they arrive,
 * attenuated, mixed over a faint room noise and sent straight back, 20 ms at a time.
 */
import { afterAll, expect, it } from 'vitest';
import { RtpHeader, RtpPacket } from 'werift';
import { createFliteTts } from '../providers/tts/flite';
import { connectedSession } from '../testing/rtc-session';
import { closeSpeechEngines } from '../testing/test-speech';
import { attenuate, quiet } from '../testing/test-sounds';
import { VoiceHarness } from '../testing/voice-harness';
import type { BargeInRules } from '../voice/barge-in-guard';
import { FRAME_SAMPLES, OpusDecoder, OpusEncoder16k } from './opus';

const voice = createFliteTts({ voice: 'slt', workers: 1 });
afterAll(async () => {
  await voice.close();
  await closeSpeechEngines();
});

async function replyWithEcho(bargeIn: Partial<BargeInRules> = {}) {
  const h = new VoiceHarness({ voice, bargeIn });
  h.agent.sentences = ['Here is a longer answer, so that its own voice comes back for a while.', 'The time in Tokyo is half past four.'];
  const call = await connectedSession(h);
  const decoder = new OpusDecoder();
  const encoder = new OpusEncoder16k();
  const room = quiet(20, -60, 9);
  let sequenceNumber = 1;
  let timestamp = 0;
  let heard = 0;
  let echoed = 0;
  // The microphone: every 20 ms a frame of the room, with what the speaker played 20 dB down.
  const mic = setInterval(() => {
    const frame = new Int16Array(FRAME_SAMPLES);
    const packet = call.client.received[heard];
    if (packet) {
      heard++;
      const played = decoder.decode(packet.payload);
      if (played?.length === FRAME_SAMPLES) {
        frame.set(attenuate(played, -20));
        echoed++;
      }
    }
    for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] += room[i];
    call.client.track.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: sequenceNumber++ & 0xffff, timestamp: (timestamp += 960) >>> 0, payloadType: 111 }), encoder.encode(frame)));
  }, 20);
  try {
    h.say();
    const end = await h.waitFor('agent.audio.end', (e) => e.utteranceId === 'agent-1');
    await h.until(() => heard >= call.client.received.length, 'the last agent packets echoed');
    return { h, end, echoed, opened: () => h.stt.recognitions.length - 1 };
  } finally {
    // Some room after the agent, so that an utterance the echo opened can end.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    clearInterval(mic);
    await call.close();
    await h.session.close();
  }
}

it('the agent finishes: its echo opens utterances, each resolves as no turn, nothing is stored', async () => {
  const { h, end, echoed, opened } = await replyWithEcho();
  expect(end.reason).toBe('completed');
  expect(h.of('agent.interrupt')).toEqual([]);
  expect(echoed).toBeGreaterThan(100); // two seconds and more of the agent came back
  expect(opened()).toBeGreaterThan(0); // the VAD took the echo for speech: the guard kept the floor
  const echoes = h.of('transcript.final').filter((f) => f.utteranceId !== 'u1');
  expect(echoes.map((f) => f.text)).toEqual(echoes.map(() => ''));
  expect(h.stored.map((t) => [t.role, t.interrupted ?? false])).toEqual([
    ['user', false],
    ['agent', false],
  ]);
});

it('without the echo gate the echo would interrupt (the test can tell)', async () => {
  const { h, end } = await replyWithEcho({ echoMarginDb: 40 });
  expect(end.reason).toBe('interrupted');
  expect(h.of('agent.interrupt')[0]).toEqual({ type: 'agent.interrupt', utteranceId: 'agent-1', reason: 'barge-in' });
});

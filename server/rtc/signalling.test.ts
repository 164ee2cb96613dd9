/**
 * The bridge with a real werift client peer on loopback and a recording stand-in for the
 * session: offers answered, speech on the track cut into utterances, the agent's voice on the
 * track, replacement, failure, teardown.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../lib/contract/messages';
import { log } from '../log';
import type { AudioOutput, UtteranceAudio } from '../voice/audio-out';
import type { SessionInput } from '../voice/events';
import { RtcTestClient } from '../testing/rtc-client';
import { closeSpeechEngines, rms, synthesizeSpeech } from '../testing/test-speech';
import { RtcBridge } from './signalling';

afterAll(() => closeSpeechEngines());

const socketOutput: AudioOutput = { begin: () => { throw new Error('the socket output was used'); } };

function bridge(createVad?: () => Promise<never>) {
  const inputs: SessionInput[] = [];
  const sent: ServerMessage[] = [];
  const outputs: AudioOutput[] = [];
  const rtc = new RtcBridge({
    ice: { iceServers: [] },
    session: { handle: (i) => inputs.push(i), useOutput: (o) => outputs.push(o) },
    socketOutput,
    send: (m) => sent.push(m),
    log,
    createVad,
  });
  const answer = async () => {
    await expect.poll(() => sent.find((m) => m.type === 'rtc.answer' || m.type === 'error'), { timeout: 10_000 }).toBeTruthy();
    const message = sent.splice(0).find((m) => m.type === 'rtc.answer');
    if (!message || message.type !== 'rtc.answer') throw new Error('no answer');
    return message.sdp;
  };
  return { rtc, inputs, sent, outputs, answer };
}

describe('the WebRTC bridge', () => {
  it('answers an offer, carries speech in as server-cut utterances and the agent out on the track', async () => {
    const { rtc, inputs, outputs, answer } = bridge();
    const client = RtcTestClient.create();
    void rtc.offer(await client.offer());
    const sdp = await answer();
    expect(sdp).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    expect(sdp).toMatch(/a=rtpmap:\d+ opus\/48000\/2/i);
    expect(sdp).toMatch(/a=sendrecv/);
    await client.accept(sdp);
    await expect.poll(() => outputs.length, { timeout: 10_000 }).toBe(1);
    expect(rtc.carriesUser).toBe(true);

    await client.send(await synthesizeSpeech('what is nine times six', { leadingSilenceMs: 300, trailingSilenceMs: 1000 }));
    await expect.poll(() => inputs.filter((i) => i.type !== 'utterance.audio').map((i) => i.type), { timeout: 10_000 }).toEqual(['utterance.start', 'utterance.end']);
    expect(inputs[0]).toMatchObject({ detectedBy: 'server-vad' });

    const utterance: UtteranceAudio = outputs[0].begin('agent-1');
    utterance.push(await synthesizeSpeech('fifty four'));
    await utterance.finish();
    // Every packet sent (the voice's leading silence is counted in sentMs but never sent).
    await client.until(() => client.received.length >= Math.floor((utterance.sentMs - 300) / 20), 10_000, 'the agent packets');
    expect(client.received[0].marker).toBe(true);
    expect(rms(client.receivedPcm())).toBeGreaterThan(300);

    await rtc.close();
    expect(rtc.carriesUser).toBe(false);
    await client.close();
  });

  it('a second offer replaces the first connection', async () => {
    const { rtc, answer, sent, outputs } = bridge();
    const first = RtcTestClient.create();
    void rtc.offer(await first.offer());
    await first.accept(await answer());
    const second = RtcTestClient.create();
    void rtc.offer(await second.offer());
    await second.accept(await answer());
    await expect.poll(() => outputs.length, { timeout: 10_000 }).toBe(2);
    expect(rtc.carriesUser).toBe(true);
    expect(sent.filter((m) => m.type === 'error')).toEqual([]);
    // The first connection's sockets are gone: its packets reach nobody.
    const before = first.received.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(first.received.length).toBe(before);
    await rtc.close();
    await Promise.all([first.close(), second.close()]);
  });

  it('a peer that goes away gives rtc_failed (not fatal) and the socket output back', async () => {
    const { rtc, answer, sent, outputs } = bridge();
    const client = RtcTestClient.create();
    void rtc.offer(await client.offer());
    await client.accept(await answer());
    await expect.poll(() => outputs.length, { timeout: 10_000 }).toBe(1);
    await client.close();
    // werift's close says nothing to the far side: ICE consent expiring (~30 s) tells the server.
    await expect.poll(() => sent.find((m) => m.type === 'error'), { timeout: 50_000, interval: 500 }).toMatchObject({ type: 'error', code: 'rtc_failed', fatal: false });
    expect(outputs.at(-1)).toBe(socketOutput);
    expect(rtc.carriesUser).toBe(false);
    await rtc.close();
  }, 60_000);

  it('an offer the server cannot serve (no VAD) gives rtc_failed too', async () => {
    const { rtc, sent } = bridge(() => Promise.reject(new Error('no model')));
    const client = RtcTestClient.create();
    await rtc.offer(await client.offer());
    expect(sent).toEqual([expect.objectContaining({ type: 'error', code: 'rtc_failed', fatal: false })]);
    await rtc.close();
    await client.close();
  });

  it('an offer it cannot take gives rtc_failed saying why', async () => {
    const { rtc, sent } = bridge();
    await rtc.offer('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n');
    expect(sent).toEqual([expect.objectContaining({ type: 'error', code: 'rtc_failed', fatal: false, message: expect.stringMatching(/no audio/) })]);
    await rtc.close();
  });
});

/**
 * The inbound path without a network: synthesised speech, Opus-encoded into RTP-sized packets,
 * fed in order, lossy and reordered, or mixed with garbage, through the real VAD and endpointer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createVoiceActivityDetector } from '../audio/vad';
import { Endpointer } from '../voice/endpointing';
import type { SessionInput } from '../voice/events';
import { closeSpeechEngines, chunkPcm, synthesizeSpeech } from '../testing/test-speech';
import { seededRandom } from '../../lib/seeded-random';
import { InboundAudio, type InboundPacket } from './inbound';
import { OpusEncoder16k } from './opus';

afterAll(() => closeSpeechEngines());

async function packetsOf(text: string): Promise<InboundPacket[]> {
  const pcm = await synthesizeSpeech(text, { leadingSilenceMs: 400, trailingSilenceMs: 1200 });
  const encoder = new OpusEncoder16k();
  return chunkPcm(pcm).map((frame, i) => ({ sequenceNumber: (60_000 + i) & 0xffff, payloadType: 111, payload: encoder.encode(frame) }));
}

async function inbound() {
  const inputs: SessionInput[] = [];
  const audio = new InboundAudio({ vad: await createVoiceActivityDetector(), endpointer: new Endpointer({}), input: (i) => inputs.push(i), payloadType: 111 });
  const samples = (id: string) => inputs.filter((i) => i.type === 'utterance.audio' && i.utteranceId === id).reduce((n, i) => n + (i.type === 'utterance.audio' ? i.samples.length : 0), 0);
  return { audio, inputs, samples, kinds: () => inputs.filter((i) => i.type !== 'utterance.audio').map((i) => i.type) };
}

describe('inbound track audio', () => {
  it('cuts one spoken request into one utterance, chosen by the server VAD, with its pre-roll', async () => {
    const packets = await packetsOf('what is nine times six');
    const { audio, inputs, samples, kinds } = await inbound();
    for (const packet of packets) audio.push(packet);
    expect(kinds()).toEqual(['utterance.start', 'utterance.end']);
    const start = inputs[0];
    expect(start).toMatchObject({ type: 'utterance.start', detectedBy: 'server-vad' });
    const id = start.type === 'utterance.start' ? start.utteranceId : '';
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    // Over a second of speech reached the session, but not the leading silence before the pre-roll.
    expect(samples(id)).toBeGreaterThan(16000);
    expect(samples(id)).toBeLessThan(packets.length * 320 - 3200);
    expect(audio.stats).toMatchObject({ lost: 0, garbage: 0, duplicate: 0 });
    audio.close();
  });

  it('survives 5% loss, reordering and duplicates: still one utterance, the losses counted', async () => {
    const packets = await packetsOf('what is nine times six');
    const random = seededRandom(7);
    const kept = packets.filter(() => random() >= 0.05);
    for (let i = 0; i + 1 < kept.length; i++) if (random() < 0.05) [kept[i], kept[i + 1]] = [kept[i + 1], kept[i]];
    const withDuplicates = kept.flatMap((p) => (random() < 0.03 ? [p, p] : [p]));
    const { audio, kinds } = await inbound();
    for (const packet of withDuplicates) audio.push(packet);
    audio.close();
    expect(kinds()).toEqual(['utterance.start', 'utterance.end']);
    // Every dropped packet is concealed, but one dropped at the very end is never noticed.
    const dropped = packets.length - kept.length;
    expect(audio.stats.lost).toBeGreaterThan(0);
    expect(audio.stats.lost + audio.stats.late).toBeGreaterThanOrEqual(dropped - 1);
    expect(audio.stats.lost).toBeLessThanOrEqual(dropped);
    expect(audio.stats.duplicate).toBeGreaterThan(0);
  });

  it('never throws on garbage: random payloads, empty ones, other payload types', async () => {
    const packets = await packetsOf('hello there');
    const random = seededRandom(3);
    const { audio, kinds } = await inbound();
    packets.forEach((packet, i) => {
      audio.push(packet);
      if (i % 10 === 0) {
        audio.push({ sequenceNumber: Math.floor(random() * 65536), payloadType: 111, payload: Uint8Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)) });
        audio.push({ sequenceNumber: packet.sequenceNumber + 1, payloadType: 0, payload: new Uint8Array(160) });
        audio.push({ sequenceNumber: packet.sequenceNumber, payloadType: 111, payload: new Uint8Array(0) });
      }
    });
    audio.close();
    expect(audio.stats.garbage).toBeGreaterThan(0);
    expect(kinds()[0]).toBe('utterance.start');
    expect(kinds().at(-1)).toBe('utterance.end');
  });

  it('ends an open utterance when the track goes quiet mid-speech', async () => {
    const packets = await packetsOf('what is nine times six');
    const { audio, kinds } = await inbound();
    for (const packet of packets.slice(0, 60)) audio.push(packet); // 400 ms silence + 800 ms of speech, then nothing
    expect(kinds()).toEqual(['utterance.start']);
    await expect.poll(kinds, { timeout: 5000 }).toEqual(['utterance.start', 'utterance.end']);
    audio.close();
  });
});

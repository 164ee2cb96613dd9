import { describe, expect, it } from 'vitest';
import type { RtpPacket } from 'werift';
import { OpusDecoder } from './opus';
import { RtpAudioOutput, RTP_TICKS_PER_FRAME } from './rtp-audio-output';

function sink() {
  const packets: Array<{ packet: RtpPacket; at: number }> = [];
  return { packets, writeRtp: (packet: RtpPacket) => packets.push({ packet, at: performance.now() }) };
}

const tone = (ms: number) => Int16Array.from({ length: ms * 16 }, (_, i) => Math.round(6000 * Math.sin(i / 4)));

describe('the RTP audio output', () => {
  it('sends one Opus packet per 20 ms, +1 sequence, +960 timestamp, marker on the first, paced to real time', async () => {
    const track = sink();
    const output = new RtpAudioOutput(track);
    const utterance = output.begin('a1');
    const started = performance.now();
    utterance.push(tone(1000));
    await utterance.finish();
    const elapsed = performance.now() - started;
    expect(track.packets.length).toBe(50);
    const headers = track.packets.map((p) => p.packet.header);
    headers.forEach((h, i) => {
      if (i === 0) return;
      expect((h.sequenceNumber - headers[i - 1].sequenceNumber) & 0xffff).toBe(1);
      expect((h.timestamp - headers[i - 1].timestamp) >>> 0).toBe(RTP_TICKS_PER_FRAME);
    });
    expect(headers.map((h) => h.marker)).toEqual([true, ...Array(49).fill(false)]);
    // Paced on the wall clock: 50 packets cannot all leave before ~1 s minus the lead has passed.
    expect(elapsed).toBeGreaterThanOrEqual(1000 - 20 - 20 - 5);
    expect(utterance.sentMs).toBe(1000);
    // What was sent is Opus that decodes to 20 ms of 16 kHz audio each.
    const decoder = new OpusDecoder();
    expect(track.packets.every((p) => decoder.decode(p.packet.payload)?.length === 320)).toBe(true);
  });

  it('clear() stops at once and says what was sent; finish() then resolves', async () => {
    const track = sink();
    const output = new RtpAudioOutput(track);
    const utterance = output.begin('a1');
    utterance.push(tone(2000));
    const finished = utterance.finish();
    await expect.poll(() => track.packets.length).toBeGreaterThanOrEqual(10);
    const position = utterance.clear();
    const sentAtClear = track.packets.length;
    expect(position.sentMs).toBe(sentAtClear * 20);
    await finished;
    await new Promise((r) => setTimeout(r, 100));
    expect(track.packets.length).toBe(sentAtClear);
  });

  it('a new utterance keeps the stream: the next sequence number, a timestamp moved on by the pause, the marker set', async () => {
    const track = sink();
    const output = new RtpAudioOutput(track);
    const first = output.begin('a1');
    first.push(tone(100));
    await first.finish();
    await new Promise((r) => setTimeout(r, 200));
    const second = output.begin('a2');
    second.push(tone(100));
    await second.finish();
    const headers = track.packets.map((p) => p.packet.header);
    expect(headers.length).toBe(10);
    expect((headers[5].sequenceNumber - headers[4].sequenceNumber) & 0xffff).toBe(1);
    expect(headers[5].marker).toBe(true);
    const gapTicks = (headers[5].timestamp - headers[4].timestamp) >>> 0;
    expect(gapTicks % RTP_TICKS_PER_FRAME).toBe(0);
    expect(gapTicks).toBeGreaterThanOrEqual(RTP_TICKS_PER_FRAME * 10); // ≥ 200 ms on the 48 kHz clock
  });

  it('does not send the silence an utterance starts with, but counts it as sent', async () => {
    const track = sink();
    const output = new RtpAudioOutput(track);
    const utterance = output.begin('a1');
    utterance.push(new Int16Array(16 * 200)); // 200 ms of silence, as Flite starts
    utterance.push(Int16Array.from({ length: 16 * 400 }, (_, i) => Math.round(6000 * Math.cos(i / 4)))); // loud from its first sample
    await utterance.finish();
    expect(track.packets.length).toBe(22); // 40 ms kept before the onset + 400 ms
    expect(utterance.sentMs).toBe(600); // the 160 ms not sent count as sent
    expect(utterance.clear()).toEqual({ sentMs: 600, playedMs: 600 });
  });

  it('sends nothing once closed', async () => {
    const track = sink();
    const output = new RtpAudioOutput(track);
    output.close();
    const utterance = output.begin('a1');
    utterance.push(tone(200));
    await utterance.finish();
    expect(track.packets.length).toBe(0);
  });
});

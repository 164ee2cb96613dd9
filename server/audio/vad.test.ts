/** The VAD on real synthesised speech and on silence and noise. */
import { afterAll, describe, expect, it } from 'vitest';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { createVoiceActivityDetector, VAD_FRAME_SAMPLES } from './vad';

afterAll(() => closeSpeechEngines());

describe('the WebRTC VAD', () => {
  it('finds the speech in a clip and not the silence around it', async () => {
    const vad = await createVoiceActivityDetector({ kind: 'webrtc' });
    const pcm = await synthesizeSpeech('what is the weather like in paris today', { leadingSilenceMs: 1000, trailingSilenceMs: 1000, noiseDbfs: -60 });
    const frames = chunkPcm(pcm);
    const p = frames.map((f) => vad.process(f));
    vad.close();
    const lead = p.slice(0, 45); // the first 900 ms: silence with a faint noise floor
    const trail = p.slice(-40); // the last 800 ms, past the detector's hang-over
    const middle = p.slice(50, -50);
    expect(lead.filter((x) => x >= 0.5)).toEqual([]);
    expect(trail.filter((x) => x >= 0.5)).toEqual([]);
    expect(middle.filter((x) => x >= 0.5).length / middle.length).toBeGreaterThan(0.6);
    for (const x of p) expect(x === 0 || x === 1).toBe(true);
  });

  it('does not call the start of a stream speech while it adapts to the noise', async () => {
    const vad = await createVoiceActivityDetector();
    const noise = chunkPcm(await synthesizeSpeech('', { noiseDbfs: -40, trailingSilenceMs: 1000 }));
    expect(noise.map((f) => vad.process(f)).filter((x) => x > 0)).toEqual([]);
    vad.reset();
    expect(noise.map((f) => vad.process(f)).filter((x) => x > 0)).toEqual([]);
    vad.close();
  });

  it('forgets an utterance on reset and refuses frames of the wrong size', async () => {
    const vad = await createVoiceActivityDetector();
    const speech = chunkPcm(await synthesizeSpeech('hello there', { noiseDbfs: -60 }));
    for (const f of speech) vad.process(f);
    vad.reset();
    expect(vad.process(new Int16Array(VAD_FRAME_SAMPLES))).toBe(0);
    expect(() => vad.process(new Int16Array(160))).toThrow(/320 samples/);
    vad.close();
    expect(() => vad.process(new Int16Array(VAD_FRAME_SAMPLES))).toThrow(/after close/);
  });

  it('keeps independent state per detector', async () => {
    const [a, b] = await Promise.all([createVoiceActivityDetector(), createVoiceActivityDetector()]);
    const speech = chunkPcm(await synthesizeSpeech('one two three four', { noiseDbfs: -60 }));
    const pa = speech.map((f) => a.process(f));
    // b sees only silence meanwhile, then the same speech: same answers as a.
    for (let i = 0; i < 50; i++) b.process(new Int16Array(VAD_FRAME_SAMPLES));
    b.reset();
    const pb = speech.map((f) => b.process(f));
    expect(pb).toEqual(pa);
    a.close();
    b.close();
  });
});

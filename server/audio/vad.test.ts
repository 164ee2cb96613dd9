/** Both VADs on real synthesised speech, silence and noise. */
import { afterAll, describe, expect, it } from 'vitest';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { cough, pinkNoise } from '../testing/test-sounds';
import { createVoiceActivityDetector, VAD_FRAME_SAMPLES, type VadKind } from './vad';

afterAll(() => closeSpeechEngines());

const speech = (p: number[]) => p.filter((x) => x >= 0.5).length;

describe.each<VadKind>(['webrtc', 'silero'])('the %s VAD', (kind) => {
  it('finds the speech in a clip and not the silence around it', async () => {
    const vad = await createVoiceActivityDetector({ kind });
    const pcm = await synthesizeSpeech('what is the weather like in paris today', { leadingSilenceMs: 1000, trailingSilenceMs: 1000, noiseDbfs: -60 });
    const p = chunkPcm(pcm).map((f) => vad.process(f));
    vad.close();
    expect(speech(p.slice(0, 45))).toBe(0); // the first 900 ms: silence with a faint noise floor
    expect(speech(p.slice(-40))).toBe(0); // the last 800 ms, past any hang-over
    const middle = p.slice(50, -50);
    expect(speech(middle) / middle.length).toBeGreaterThan(0.6);
    for (const x of p) expect(x >= 0 && x <= 1).toBe(true);
  });

  it('does not call quiet noise speech, from the first frame on', async () => {
    const vad = await createVoiceActivityDetector({ kind });
    const noise = chunkPcm(pinkNoise(1000, -45, 3));
    expect(speech(noise.map((f) => vad.process(f)))).toBe(0);
    vad.reset();
    expect(speech(noise.map((f) => vad.process(f)))).toBe(0);
    vad.close();
  });

  it('forgets an utterance on reset and refuses frames of the wrong size', async () => {
    const vad = await createVoiceActivityDetector({ kind });
    for (const f of chunkPcm(await synthesizeSpeech('hello there', { noiseDbfs: -60 }))) vad.process(f);
    vad.reset();
    expect(vad.process(new Int16Array(VAD_FRAME_SAMPLES))).toBeLessThan(0.5);
    expect(() => vad.process(new Int16Array(160))).toThrow(/320 samples/);
    vad.close();
    expect(() => vad.process(new Int16Array(VAD_FRAME_SAMPLES))).toThrow(/after close/);
  });

  it('keeps independent state per detector', async () => {
    const [a, b] = await Promise.all([createVoiceActivityDetector({ kind }), createVoiceActivityDetector({ kind })]);
    const frames = chunkPcm(await synthesizeSpeech('one two three four', { noiseDbfs: -60 }));
    const pa = frames.map((f) => a.process(f));
    for (let i = 0; i < 50; i++) b.process(chunkPcm(pinkNoise(20, -30, i))[0]);
    b.reset();
    expect(frames.map((f) => b.process(f))).toEqual(pa);
    a.close();
    b.close();
  });
});

describe('what sets them apart (docs/vad.md)', () => {
  it('the WebRTC VAD calls a cough speech; Silero does not', async () => {
    const clip = chunkPcm(new Int16Array([...pinkNoise(400, -60, 1), ...cough(300, -15, 2), ...pinkNoise(600, -60, 3)]));
    const [webrtc, silero] = await Promise.all([createVoiceActivityDetector({ kind: 'webrtc' }), createVoiceActivityDetector({ kind: 'silero' })]);
    expect(speech(clip.map((f) => webrtc.process(f)))).toBeGreaterThan(5);
    expect(speech(clip.map((f) => silero.process(f)))).toBe(0);
    webrtc.close();
    silero.close();
  });
});

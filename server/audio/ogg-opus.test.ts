import { describe, expect, it } from 'vitest';
import { decodeOggOpus, readOggOpus } from '../testing/ogg-opus-file';
import { synthesizeSpeech } from '../testing/test-speech';
import { OGG_OPUS_MIME, OggOpusRecording } from './ogg-opus';

function tone(samples: number, hz = 440, amplitude = 8000): Int16Array {
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 16000));
  return pcm;
}

function rms(pcm: Int16Array, from = 0, to = pcm.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm[i] * pcm[i];
  return Math.sqrt(sum / (to - from));
}

/** Writes `pcm` in uneven pieces, as transports deliver it. */
function writeInPieces(recording: OggOpusRecording, pcm: Int16Array): void {
  const sizes = [7, 320, 123, 1000, 33];
  for (let at = 0, i = 0; at < pcm.length; i++) {
    const size = sizes[i % sizes.length];
    recording.write(pcm.subarray(at, at + size));
    at += size;
  }
}

describe('OggOpusRecording', () => {
  it('writes an Ogg Opus file whose every page is well formed and whose audio decodes back to its length', async () => {
    const recording = new OggOpusRecording();
    writeInPieces(recording, tone(16_000 * 2 + 123)); // not a whole number of frames
    const file = await recording.finish();
    expect(file).not.toBeNull();
    expect(file!.mimeType).toBe(OGG_OPUS_MIME);
    expect(file!.durationMs).toBe(2008);

    const ogg = readOggOpus(file!.audio);
    expect(ogg.pages.every((p) => p.crcOk)).toBe(true);
    expect(ogg.pages.map((p) => p.sequence)).toEqual(ogg.pages.map((_, i) => i));
    expect(new Set(ogg.pages.map((p) => p.serial)).size).toBe(1);
    expect(ogg.pages[0].headerType & 0x02).toBe(0x02); // beginning of stream
    expect(ogg.pages.at(-1)!.headerType & 0x04).toBe(0x04); // end of stream
    expect(ogg).toMatchObject({ channels: 1, preSkip: 312, inputSampleRate: 16_000 });
    // The last granule position says exactly how much audio there is.
    expect(Number(ogg.lastGranule) - ogg.preSkip).toBe((16_000 * 2 + 123) * 3);

    const decoded = decodeOggOpus(file!.audio);
    expect(decoded.length).toBe(16_000 * 2 + 123);
    // It is the tone, at about its level (a lossy codec: not sample for sample).
    expect(rms(decoded, 1600, 30_000) / rms(tone(32_000), 1600, 30_000)).toBeGreaterThan(0.8);
    expect(rms(decoded, 1600, 30_000) / rms(tone(32_000), 1600, 30_000)).toBeLessThan(1.25);
  });

  it('keeps only what lies before the cut, even when more was already encoded', async () => {
    const recording = new OggOpusRecording();
    recording.write(tone(16_000 * 3));
    await new Promise((resolve) => setTimeout(resolve, 20)); // let it encode some of it
    const file = await recording.finish(16_000);
    expect(file!.durationMs).toBe(1000);
    expect(decodeOggOpus(file!.audio).length).toBe(16_000);
    expect(readOggOpus(file!.audio).pages.every((p) => p.crcOk)).toBe(true);
  });

  it('stops keeping at its limit', async () => {
    const recording = new OggOpusRecording(8000);
    recording.write(tone(16_000));
    recording.write(tone(16_000));
    expect(recording.samples).toBe(8000);
    expect(decodeOggOpus((await recording.finish())!.audio).length).toBe(8000);
  });

  it('makes no file of nothing', async () => {
    expect(await new OggOpusRecording().finish()).toBeNull();
    const recording = new OggOpusRecording();
    recording.write(tone(3200));
    expect(await recording.finish(0)).toBeNull();
  });

  it('keeps speech in a sixteenth of the bytes of raw PCM or less', async () => {
    const speech = await synthesizeSpeech('What is twelve times seven? I would like to know the answer please.');
    const recording = new OggOpusRecording();
    writeInPieces(recording, speech);
    const file = (await recording.finish())!;
    const bytesPerSecond = file.audio.byteLength / (speech.length / 16_000);
    expect(bytesPerSecond).toBeLessThan(32_000 / 16);
    expect(decodeOggOpus(file.audio).length).toBe(speech.length);
  });
});

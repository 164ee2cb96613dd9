/**
 * Recording benchmark: speech (Flite, every embedded voice) kept as Ogg Opus the way a session
 * keeps it: written in 20 ms pieces, then finished into a file. Bytes per second of speech
 * against 16 kHz PCM, and CPU per 20 ms frame (encoding and muxing, on the event loop).
 * Not a test: figures, not pass/fail.
 *   npm run bench   (or: tsx scripts/bench-recordings.ts)
 */
import { OggOpusRecording, RECORDING_BITRATE } from '../server/audio/ogg-opus';
import { decodeOggOpus } from '../server/testing/ogg-opus-file';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';

const SENTENCES = [
  'what is twelve times seven',
  'Twelve times seven is eighty-four.',
  'I can do arithmetic, tell you the time and the date, and answer a few simple questions about myself.',
  'Could you say that again more slowly please, I did not quite catch the last part of it.',
];
const VOICES = ['kal16', 'slt', 'rms', 'awb'] as const;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const bytesPerSecond: number[] = [];
const microsPerFrame: number[] = [];
let totalSeconds = 0;
let totalBytes = 0;
// Warm-up: load libopus and the muxer once.
{
  const warm = new OggOpusRecording();
  warm.write(new Int16Array(16_000));
  await warm.finish();
}
for (const voice of VOICES) {
  for (const text of SENTENCES) {
    const speech = await synthesizeSpeech(text, { voice });
    for (let run = 0; run < 5; run++) {
      const started = process.cpuUsage();
      const recording = new OggOpusRecording();
      for (let at = 0; at < speech.length; at += 320) recording.write(speech.subarray(at, at + 320));
      const file = (await recording.finish())!;
      const cpu = process.cpuUsage(started);
      const cpuMicros = cpu.user + cpu.system;
      const seconds = speech.length / 16_000;
      if (decodeOggOpus(file.audio).length !== speech.length) throw new Error('the file does not decode to its length');
      microsPerFrame.push(cpuMicros / (speech.length / 320));
      if (run === 0) {
        bytesPerSecond.push(file.audio.byteLength / seconds);
        totalSeconds += seconds;
        totalBytes += file.audio.byteLength;
      }
    }
  }
}
await closeSpeechEngines();

const f = (n: number) => n.toFixed(0);
console.log(`Recordings: Ogg Opus at ${RECORDING_BITRATE / 1000} kb/s, ${bytesPerSecond.length} clips (${VOICES.length} voices), ${totalSeconds.toFixed(1)} s of speech`);
console.log(`  bytes per second of speech: median ${f(quantile(bytesPerSecond, 0.5))}, p95 ${f(quantile(bytesPerSecond, 0.95))}, overall ${f(totalBytes / totalSeconds)} (16 kHz PCM: 32000, ${(32_000 / (totalBytes / totalSeconds)).toFixed(1)}× smaller)`);
console.log(`  process CPU per 20 ms frame, encode + mux: median ${f(quantile(microsPerFrame, 0.5))} µs, p95 ${f(quantile(microsPerFrame, 0.95))} µs`);

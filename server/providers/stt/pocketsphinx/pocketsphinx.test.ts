import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech } from '../../../testing/test-speech';
import type { SttStream } from '../types';
import { wordErrorRate } from '../../../evaluation/stt/wer';
import { createPocketsphinxStt, type PocketsphinxStt } from './index';

const here = path.dirname(fileURLToPath(import.meta.url));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `pcm` as 20 ms frames, paced at `speed` × real time. */
async function feed(stream: SttStream, pcm: Int16Array, speed = 1): Promise<void> {
  const started = performance.now();
  let sentMs = 0;
  for (const frame of chunkPcm(pcm, 20)) {
    const waitMs = started + sentMs / speed - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    stream.write(frame);
    sentMs += 20;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('pocketsphinx STT', () => {
  let stt: PocketsphinxStt;
  const question = 'what is twelve times seven';
  const timer = 'set a timer for ten minutes';
  const call = 'please call my mother tomorrow morning';
  const audio = new Map<string, Int16Array>();
  const speech = (text: string) => audio.get(text)!;
  let questionAudio: Int16Array;

  beforeAll(async () => {
    execFileSync('sh', [path.join(here, 'build.sh')], { stdio: 'inherit' });
    stt = createPocketsphinxStt({ poolSize: 1 });
    for (const text of [question, timer, call]) {
      audio.set(text, await synthesizeSpeech(text, { leadingSilenceMs: 300, trailingSilenceMs: 300 }));
    }
    questionAudio = speech(question);
    await stt.ready();
  });

  afterAll(async () => {
    await stt?.close();
    await closeSpeechEngines();
  });

  it('recognises a question fed in real time, with partials while audio still arrives', async () => {
    const partials: string[] = [];
    const stream = stt.start({ onPartial: (text) => partials.push(text) });

    await feed(stream, questionAudio, 1);
    const partialsBeforeEnd = partials.length;
    const endCalledAt = performance.now();
    const text = await stream.end();
    const endToFinalMs = performance.now() - endCalledAt;

    expect(wordErrorRate(question, text)).toBeLessThanOrEqual(0.2);
    expect(partialsBeforeEnd).toBeGreaterThanOrEqual(3); // streaming, not batch at end()
    expect(partials.at(-1)).toMatch(/\btwelve\b/); // partials track the speech
    // Measured 120-270 ms typically, up to ~900 ms on a 2-core box at load average 3-7.
    expect(endToFinalMs).toBeLessThan(1500);
  });

  it('delivers partials before end() resolves when fed faster than real time', async () => {
    let resolved = false;
    const partialsAfterResolve: string[] = [];
    const partials: string[] = [];
    const stream = stt.start({
      onPartial: (text) => (resolved ? partialsAfterResolve : partials).push(text),
    });
    await feed(stream, questionAudio, 8);
    const text = await stream.end();
    resolved = true;
    await sleep(100);

    expect(partials.length).toBeGreaterThanOrEqual(3);
    expect(partialsAfterResolve).toEqual([]);
    expect(wordErrorRate(question, text)).toBeLessThanOrEqual(0.2);
  });

  it('resolves "" for an utterance without speech, or without any audio', async () => {
    const silent = stt.start({ onPartial: () => {} });
    await feed(silent, new Int16Array(16000 / 2), 8);
    expect(await silent.end()).toBe('');
    expect(await stt.start({ onPartial: () => {} }).end()).toBe('');
  });

  it('recognises two concurrent streams independently', async () => {
    const other = timer;
    const otherAudio = speech(timer);
    const a = stt.start({ onPartial: () => {} });
    const b = stt.start({ onPartial: () => {} });
    expect(stt.stats().busy + stt.stats().waiting).toBe(2);

    await Promise.all([feed(a, questionAudio, 2), feed(b, otherAudio, 2)]);
    const [textA, textB] = await Promise.all([a.end(), b.end()]);

    expect(wordErrorRate(question, textA)).toBeLessThanOrEqual(0.2);
    expect(wordErrorRate(other, textB)).toBeLessThanOrEqual(0.2);
  });

  it('reports a decoder killed mid-utterance at once (onError, no pid), end() rejects with it, and the next stream works', async () => {
    let sawPartial!: () => void;
    const partialSeen = new Promise<void>((resolve) => (sawPartial = resolve));
    let reportError!: (error: Error) => void;
    const reported = new Promise<Error>((resolve) => (reportError = resolve));
    let errors = 0;
    const stream = stt.start({
      onPartial: () => sawPartial(),
      onError: (error) => {
        errors++;
        reportError(error);
      },
    });
    await feed(stream, questionAudio.subarray(0, 16000 * 1.2), 4);
    await partialSeen; // the decoder is really mid-utterance
    const [pid] = stt.stats().busyPids;
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');

    // The audio is still open: no end() yet. The failure comes by itself.
    const error = await reported;
    const reportMs = performance.now() - killedAt;
    expect(error.message).toBe('the speech recogniser stopped unexpectedly');
    expect(error.message).not.toContain(String(pid));
    expect(error.message).not.toMatch(/pid|\//);
    expect((error.cause as Error).message).toMatch(/pocketsphinx decoder \(pid \d+\) was killed by SIGKILL/); // what the log says
    expect(reportMs).toBeLessThan(1000); // measured 12 ms: the child's close event, not end()
    stream.write(questionAudio.subarray(0, 320)); // late audio is ignored
    await expect(stream.end()).rejects.toBe(error);
    expect(errors).toBe(1);
    expect(stt.stats().busyPids).not.toContain(pid);

    const next = stt.start({ onPartial: () => {} });
    await feed(next, questionAudio, 8);
    expect(wordErrorRate(question, await next.end())).toBeLessThanOrEqual(0.2);
  });

  it('recovers when every decoder is killed, even a spare that is still loading', async () => {
    const local = createPocketsphinxStt({ poolSize: 1 });
    try {
      await local.ready();
      const stream = local.start({ onPartial: () => {} }); // takes the spare...
      expect(local.stats().loading).toBe(1); // ...and a replacement starts loading
      await feed(stream, questionAudio.subarray(0, 4800), 8);
      const decoders = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'pocketsphinx-decoder'], {
        encoding: 'utf8',
      });
      for (const pid of decoders.trim().split('\n')) process.kill(Number(pid), 'SIGKILL');

      await expect(stream.end()).rejects.toThrow('the speech recogniser stopped unexpectedly');
      const next = local.start({ onPartial: () => {} });
      await feed(next, questionAudio, 8);
      expect(wordErrorRate(question, await next.end())).toBeLessThanOrEqual(0.2);
    } finally {
      await local.close();
    }
  });

  it('rejects end() when the decoder hangs (no sign of life for endTimeoutMs), then recovers', async () => {
    const impatient = createPocketsphinxStt({ poolSize: 1, endTimeoutMs: 1000 });
    try {
      await impatient.ready();
      const stream = impatient.start({ onPartial: () => {} });
      await feed(stream, questionAudio.subarray(0, 8000), 8);
      const [pid] = impatient.stats().busyPids;
      process.kill(pid, 'SIGSTOP'); // alive but frozen: only the timeout can notice

      const started = performance.now();
      const ended = stream.end();
      await expect(ended).rejects.toThrow('the speech recogniser stopped responding');
      await expect(ended).rejects.toMatchObject({ cause: { message: expect.stringMatching(/pocketsphinx decoder \(pid \d+\) gave no sign of life for 1000 ms/) } });
      expect(performance.now() - started).toBeGreaterThanOrEqual(950);
      await sleep(50);
      expect(isRunning(pid)).toBe(false); // the pool killed it

      // Real time keeps this robust on a starved CI box (progress lines every 500 ms of audio).
      const next = impatient.start({ onPartial: () => {} });
      await feed(next, questionAudio, 1);
      expect(wordErrorRate(question, await next.end())).toBeLessThanOrEqual(0.2);
    } finally {
      await impatient.close();
    }
  });

  it('abort() resets the decoder for the next stream without leaking old output', async () => {
    const abortedPartials: string[] = [];
    const aborted = stt.start({ onPartial: (text) => abortedPartials.push(text) });
    const [pid] = stt.stats().busyPids;
    // All at once, so the decoder is still working through it (and printing partials
    // for it) when the next stream takes over.
    aborted.write(speech(call).subarray(0, 16000 * 1.5));
    aborted.abort();

    const nextPartials: string[] = [];
    const next = stt.start({ onPartial: (text) => nextPartials.push(text) });
    expect(stt.stats().busyPids).toContain(pid); // the same warm decoder was reused
    await feed(next, questionAudio, 8);
    const text = await next.end();

    expect(wordErrorRate(question, text)).toBeLessThanOrEqual(0.2);
    expect(nextPartials.join(' ')).not.toMatch(/mother|morning|tomorrow/);
    expect(abortedPartials).toEqual([]);
  });

  it('queues audio when no decoder is free yet', async () => {
    const cold = createPocketsphinxStt({ poolSize: 0 });
    try {
      const stream = cold.start({ onPartial: () => {} });
      expect(cold.stats().waiting).toBe(1);
      for (const frame of chunkPcm(questionAudio, 20)) stream.write(frame);
      expect(wordErrorRate(question, await stream.end())).toBeLessThanOrEqual(0.2);
    } finally {
      await cold.close();
    }
  });

  it('close() ends every decoder process', async () => {
    const local = createPocketsphinxStt({ poolSize: 2 });
    await local.ready();
    const stream = local.start({ onPartial: () => {} });
    const [pid] = local.stats().busyPids;
    stream.write(questionAudio.subarray(0, 8000));
    const ended = stream.end();
    const endOutcome = ended.then(
      () => 'resolved',
      () => 'rejected',
    );
    await local.close();
    expect(isRunning(pid)).toBe(false);
    expect(['resolved', 'rejected']).toContain(await endOutcome);
    expect(() => local.start({ onPartial: () => {} })).toThrow(/closed/);
  });

  it("adapts to each speaker separately: one speaker's room never shifts another's recognition", async () => {
    // One decoder serves everyone in turn. The cepstral mean each utterance leaves behind is
    // the decoder's adaptation to that speaker's voice, microphone and room.
    const means: number[][] = [];
    const shared = createPocketsphinxStt({ poolSize: 1, maxDecoders: 1, onUtteranceStats: (s) => means.push(s.cmn ?? []) });
    const loudRoom = await synthesizeSpeech(timer, { leadingSilenceMs: 300, trailingSilenceMs: 300, snrDb: 5 });
    const decode = async (pcm: Int16Array, speaker: string) => {
      const stream = shared.start({ onPartial: () => {}, speaker });
      for (const frame of chunkPcm(pcm, 20)) stream.write(frame);
      return stream.end();
    };
    try {
      await shared.ready();
      await decode(questionAudio, 'first'); // a new speaker starts from the model's initial mean
      await decode(loudRoom, 'noisy');
      await decode(loudRoom, 'noisy');
      await decode(questionAudio, 'second'); // new again: the noisy speaker's mean must not leak in
      const [first, noisy, noisyAgain, second] = means;
      expect(first.length).toBe(13);
      const distance = (a: number[], b: number[]) => Math.hypot(...a.map((x, i) => x - b[i]));
      // Not exactly equal: pocketsphinx's front end keeps a noise estimate of its own across
      // utterances, with no call to reset it. Measured: 0.9 apart, against 7.4 for the noisy room.
      expect(distance(second, first)).toBeLessThan(distance(noisyAgain, first) / 4);
      // A known speaker carries on from their own mean (measured 5.1 apart; a reset gives ~1).
      expect(distance(noisyAgain, noisy)).toBeGreaterThan(2.5);
    } finally {
      await shared.close();
    }
  });

  it('reports bad decoder arguments with the decoder stderr', async () => {
    const broken = createPocketsphinxStt({ decoderArgs: ['-no-such-flag', '1'] });
    try {
      await expect(broken.ready()).rejects.toThrow(/exited with code 1.*Unknown argument name '-no-such-flag'/s);
      // A stream hears of it at once (whether it waited for a load or loading was already
      // backing off), in words fit for the client; the decoder's stderr stays in the cause.
      let reportError!: (error: Error) => void;
      const reported = new Promise<Error>((resolve) => (reportError = resolve));
      const stream = broken.start({ onPartial: () => {}, onError: (error) => reportError(error) });
      const error = await reported;
      expect(error.message).toBe('the speech recogniser could not be started');
      expect((error.cause as Error).message).toMatch(/Unknown argument name/);
      await expect(stream.end()).rejects.toBe(error);
    } finally {
      await broken.close();
    }
  });

  it('says how to build the decoder when the binary is missing', () => {
    expect(() => createPocketsphinxStt({ binaryPath: '/nonexistent/pocketsphinx-decoder' })).toThrow(
      /run scripts\/setup\.sh/,
    );
  });
});

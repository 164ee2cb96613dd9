/**
 * WebRTC benchmark (not a test: figures, not pass/fail). Three parts:
 *  1. Voice-to-voice over WebRTC through the production server with the embedded engines: a
 *     werift client peer feeds synthesised speech as Opus RTP in real time; from the last voiced
 *     sample fed to the first non-silent agent sample received, by stage.
 *  2. Barge-in: speech onset fed while the agent speaks → the last agent packet received.
 *  3. The bridge alone at scale: N full-duplex calls (werift client peers in a child process,
 *     RtcBridges with a stand-in session here), speech both ways; bridge CPU per call per
 *     20 ms and late packets.
 *   npx tsx scripts/bench-rtc.ts [turns=12] [calls=10,25,50,75,100 | none]
 * BENCH_SERVER_X=v sets X=v for the server of parts 1 and 2.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RtpHeader, RtpPacket, SrtpSession } from 'werift';
import { createVoiceActivityDetector } from '../server/audio/vad';
import { log, setLogLevel } from '../server/log';
import { InboundAudio } from '../server/rtc/inbound';
import { OpusEncoder16k } from '../server/rtc/opus';
import { Endpointer } from '../server/voice/endpointing';
import { RtcBridge } from '../server/rtc/signalling';
import type { AudioOutput } from '../server/voice/audio-out';
import { ContractClient } from '../server/testing/contract-client';
import { RtcTestClient } from '../server/testing/rtc-client';
import { benchServerEnv, startServer } from '../server/testing/server-process';
import { closeSpeechEngines, rms, synthesizeSpeech } from '../server/testing/test-speech';
import { onsetMs } from '../server/testing/test-sounds';
import { signUp } from '../server/testing/users';

const FRAME = 320;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
function row(name: string, values: number[]): string {
  return values.length ? `${name.padEnd(58)}${quantile(values, 0.5).toFixed(0).padStart(7)}${quantile(values, 0.95).toFixed(0).padStart(7)}${String(values.length).padStart(5)}` : `${name.padEnd(58)}      -`;
}
/** Index of the last (or first) 20 ms frame louder than -45 dBFS: where speech ends (starts). */
function voicedFrame(pcm: Int16Array, which: 'first' | 'last'): number {
  const frames = Math.ceil(pcm.length / FRAME);
  const loud = (f: number) => rms(pcm.subarray(f * FRAME, (f + 1) * FRAME)) > 32768 * 10 ** (-45 / 20);
  if (which === 'first') for (let f = 0; f < frames; f++) if (loud(f)) return f;
  for (let f = frames - 1; f >= 0; f--) if (loud(f)) return f;
  return 0;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function voiceToVoice(turns: number) {
  const questions = ['what is twelve times seven', 'what time is it', 'what is nine times six', 'hello there', 'what is my name', 'tell me the date today'];
  const stages: Record<string, number[]> = {
    'end-of-speech decision (last voiced → utterance end)': [],
    'final transcript (utterance end → transcript.final)': [],
    'first reply text (final → agent.text)': [],
    'first audio (agent.text → first packet on the track)': [],
    'audible onset (first packet → first non-silent packet)': [],
    'voice-to-voice (last voiced sample → first audible agent)': [],
    'barge-in (speech onset fed → last agent packet)': [],
    'barge-in (first vowel fed → last agent packet)': [],
  };
  // e.g. BENCH_SERVER_BARGE_IN_MIN_SPEECH_MS=60
  const env = benchServerEnv();
  if (Object.keys(env).length) console.log(`server env sets ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const server = await startServer({ env });
  try {
    const person = await signUp(server.url, 'RtcBench');
    const socket = await ContractClient.connect(server.url, { cookie: person.cookie });
    const { conversationId } = await socket.next('session.ready');
    const peer = await RtcTestClient.connect(socket);
    const clips = new Map<string, Int16Array>();
    for (const q of [...questions, 'tell me a story', 'stop please']) clips.set(q, await synthesizeSpeech(q, { leadingSilenceMs: 300, trailingSilenceMs: 1500 }));
    const finals: Array<{ utteranceId: string; finalAt: number; lastVoicedAt: number }> = [];
    for (let i = 0; i < turns; i++) {
      const q = questions[i % questions.length];
      const clip = clips.get(q)!;
      const last = voicedFrame(clip, 'last');
      let lastVoicedAt = 0;
      const from = socket.received.length;
      const packetsBefore = peer.received.length;
      const sending = peer.send(clip, { onFrame: (index, at) => index === last && (lastVoicedAt = at + 20) });
      const final = await socket.next('transcript.final', () => true, { from, timeoutMs: 20_000 }).catch((error: Error) => {
        throw new Error(`${error.message}; errors: ${JSON.stringify(socket.all('error'))}`);
      });
      const finalAt = socket.arrivals[socket.received.indexOf(final)];
      const text = await socket.next('agent.text', () => true, { from });
      const textAt = socket.arrivals[socket.received.indexOf(text)];
      await socket.next('agent.audio.end', (m) => m.utteranceId === text.utteranceId, { from, timeoutMs: 20_000 });
      await sending;
      await sleep(200);
      const firstPacket = peer.received[packetsBefore];
      const audibleAt = peer.firstAudibleAt(packetsBefore);
      finals.push({ utteranceId: final.utteranceId, finalAt, lastVoicedAt });
      stages['first reply text (final → agent.text)'].push(textAt - finalAt);
      if (firstPacket) stages['first audio (agent.text → first packet on the track)'].push(firstPacket.at - textAt);
      if (firstPacket && audibleAt) stages['audible onset (first packet → first non-silent packet)'].push(audibleAt - firstPacket.at);
      if (audibleAt) stages['voice-to-voice (last voiced sample → first audible agent)'].push(audibleAt - lastVoicedAt);
    }
    // Barge-in: a long reply, then speech over it.
    for (let i = 0; i < Math.max(3, Math.floor(turns / 3)); i++) {
      const from = socket.received.length;
      const packetsBefore = peer.received.length;
      await peer.send(clips.get('tell me a story')!.subarray(0, -16000));
      await peer.until(() => peer.firstAudibleAt(packetsBefore) !== null, 20_000, 'the agent speaking');
      const barge = clips.get('stop please')!;
      const onset = voicedFrame(barge, 'first');
      // The 20 ms frame holding the first vowel (docs/vad.md measures from there too).
      const vowel = Math.floor(onsetMs(barge, 20) / 20);
      let onsetAt = 0;
      let vowelAt = 0;
      const packetsAtBarge = peer.received.length;
      const sending = peer.send(barge, {
        onFrame: (index, at) => {
          if (index === onset) onsetAt = at;
          if (index === vowel) vowelAt = at;
        },
      });
      await socket.next('agent.interrupt', (m) => m.reason === 'barge-in', { from, timeoutMs: 20_000 }).catch(() => null);
      await sending;
      await sleep(300);
      // The interrupted reply's last packet: the last one before the gap that followed the barge-in.
      const after = peer.received.slice(packetsAtBarge);
      let lastAt = after[0]?.at ?? onsetAt;
      for (let k = 1; k < after.length && after[k].at - after[k - 1].at < 200; k++) lastAt = after[k].at;
      if (onsetAt) stages['barge-in (speech onset fed → last agent packet)'].push(lastAt - onsetAt);
      if (vowelAt) stages['barge-in (first vowel fed → last agent packet)'].push(lastAt - vowelAt);
      await socket.next('agent.audio.end', () => true, { from: socket.received.length - 1, timeoutMs: 20_000 }).catch(() => null);
      await sleep(1500);
    }
    await socket.close();
    await peer.close();
    await sleep(500);
    const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
    const { turns: stored } = (await response.json()) as { turns: Array<{ utteranceId: string; sttLatencyMs: number | null }> };
    for (const f of finals) {
      const turn = stored.find((t) => t.utteranceId === f.utteranceId);
      if (turn?.sttLatencyMs == null) continue;
      stages['final transcript (utterance end → transcript.final)'].push(turn.sttLatencyMs);
      stages['end-of-speech decision (last voiced → utterance end)'].push(f.finalAt - turn.sttLatencyMs - f.lastVoicedAt);
    }
  } finally {
    await server.stop();
  }
  console.log(`\nVoice-to-voice over WebRTC (werift client peer, embedded engines, ${turns} turns), ms${' '.repeat(0)}`);
  console.log(`${''.padEnd(58)}${'p50'.padStart(7)}${'p95'.padStart(7)}${'n'.padStart(5)}`);
  for (const [name, values] of Object.entries(stages)) console.log(row(name, values));
  console.log('(network + jitter buffer: loopback, and the werift client plays packets as they arrive: ~0; Chromium adds its jitter buffer, 36-52 ms in the field notes)');
}

/**
 * The bridge's own work per call per 20 ms, without sockets: in, SRTP decrypt + RTP parse +
 * jitter buffer + Opus decode + VAD + endpointer; out, Opus encode + RTP header + SRTP encrypt.
 */
async function components() {
  const pcm = await synthesizeSpeech('what is nine times six and what time is it now please tell me', { leadingSilenceMs: 300, trailingSilenceMs: 800 });
  const frames: Int16Array[] = [];
  for (let o = 0; o + FRAME <= pcm.length; o += FRAME) frames.push(pcm.slice(o, o + FRAME));
  const key = Buffer.alloc(16, 7);
  const salt = Buffer.alloc(14, 3);
  const sender = new SrtpSession({ keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt }, profile: 1 });
  const clientEncoder = new OpusEncoder16k();
  const wire = frames.map((f, i) => {
    const header = new RtpHeader({ sequenceNumber: i, timestamp: i * 960, payloadType: 111, ssrc: 1234 });
    return sender.encrypt(clientEncoder.encode(f), header);
  });
  console.log('\nBridge work per call per 20 ms frame, no sockets (µs of CPU time; median of 5 passes over a 4 s clip)');
  for (const kind of ['webrtc', 'silero'] as const) {
    const inTimes: number[] = [];
    const outTimes: number[] = [];
    for (let pass = 0; pass < 5; pass++) {
      const receiver = new SrtpSession({ keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt }, profile: 1 });
      const inbound = new InboundAudio({ vad: await createVoiceActivityDetector({ kind }), endpointer: new Endpointer({}), input: () => {}, payloadType: 111 });
      // CPU time, not wall time: on a shared machine the wall clock counts the waits for a core too.
      const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
      let t = cpu();
      wire.forEach((buf) => {
        const packet = RtpPacket.deSerialize(receiver.decrypt(buf));
        inbound.push({ sequenceNumber: packet.header.sequenceNumber + pass * 10_000, payloadType: packet.header.payloadType, payload: packet.payload });
      });
      inTimes.push(((cpu() - t) * 1000) / wire.length);
      inbound.close();
      const encoder = new OpusEncoder16k();
      t = cpu();
      frames.forEach((f, i) => sender.encrypt(encoder.encode(f), new RtpHeader({ sequenceNumber: i, timestamp: i * 960, payloadType: 111, ssrc: 99 })));
      outTimes.push(((cpu() - t) * 1000) / frames.length);
    }
    const inUs = quantile(inTimes, 0.5);
    const outUs = quantile(outTimes, 0.5);
    console.log(`  VAD ${kind.padEnd(7)} in ${inUs.toFixed(0).padStart(5)}  out ${outUs.toFixed(0).padStart(5)}  both ${(inUs + outUs).toFixed(0).padStart(5)} µs = ${((inUs + outUs) / 200).toFixed(2)}% of a core per call`);
  }
}

/** The server side of N calls: bridges with a stand-in session that speaks without pause. */
async function scale(counts: number[]) {
  setLogLevel('warn');
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--clients'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const request = (message: object) =>
    new Promise<any>((resolve) => {
      const id = Math.random();
      const onMessage = (reply: any) => {
        if (reply.id === id) {
          child.off('message', onMessage);
          resolve(reply);
        }
      };
      child.on('message', onMessage);
      child.send({ ...message, id });
    });
  await request({ type: 'ready' });
  const speech = await synthesizeSpeech('the quick brown fox jumps over the lazy dog while we talk about numbers and times', { leadingSilenceMs: 100, trailingSilenceMs: 100 });
  const socketOutput: AudioOutput = { begin: () => { throw new Error('the bench speaks on tracks only'); } };
  console.log('\nFull-duplex calls (bridge in this process, werift client peers in another), 10 s of speech both ways each');
  console.log('calls  bridge CPU % of a core  µs per call per 20 ms  gaps >40 ms between packets  late at clients (>40 ms)  event-loop p99 ms  frames to VAD');
  for (const calls of counts) {
    const bridges: RtcBridge[] = [];
    const speaking: Array<() => void> = [];
    let frames = 0;
    let failedToConnect = 0;
    for (let c = 0; c < calls; c++) {
      let answer: (sdp: string) => void;
      const answered = new Promise<string>((r) => (answer = r));
      const bridge: RtcBridge = new RtcBridge({
        ice: { iceServers: [] },
        session: {
          handle: (input) => void (input.type === 'utterance.audio' && (frames += input.samples.length / FRAME)),
          useOutput: (output: AudioOutput) => {
            if (output === socketOutput) return; // the peer failed: nothing speaks on the socket here
            let stop = false;
            speaking.push(() => (stop = true));
            void (async () => {
              for (let n = 0; !stop; n++) {
                const utterance = output.begin(`a${n}`);
                utterance.push(speech);
                await utterance.finish();
              }
            })();
          },
        },
        socketOutput,
        send: (m) => m.type === 'rtc.answer' && answer(m.sdp),
        log,
        // BENCH_VAD=webrtc|silero; default: the server's default kind.
        createVad: () => createVoiceActivityDetector(process.env.BENCH_VAD ? { kind: process.env.BENCH_VAD as 'webrtc' | 'silero' } : {}),
      });
      bridges.push(bridge);
      const { sdp } = await request({ type: 'offer', call: c });
      void bridge.offer(sdp);
      const accepted = await request({ type: 'answer', call: c, sdp: await answered });
      if (accepted.error) failedToConnect++;
    }
    await sleep(1500); // every output running
    await request({ type: 'speak', seconds: 10 });
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpu = process.cpuUsage();
    const started = performance.now();
    frames = 0;
    await sleep(10_000);
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - started;
    loop.disable();
    const clientStats = await request({ type: 'stats' });
    const cpuMs = (used.user + used.system) / 1000;
    const perFrame = (cpuMs * 1000) / calls / (wall / 20);
    console.log(
      `${String(calls).padStart(5)}${failedToConnect ? ` (${failedToConnect} did not connect)` : ''}  ${((cpuMs / wall) * 100).toFixed(1).padStart(21)}  ${perFrame.toFixed(0).padStart(21)}  ${String(clientStats.senderGaps).padStart(26)}  ${String(clientStats.late).padStart(24)} of ${clientStats.packets}  ${(loop.percentile(99) / 1e6).toFixed(1).padStart(10)}  ${frames.toFixed(0)}`,
    );
    for (const stop of speaking) stop();
    await Promise.all(bridges.map((b) => b.close()));
    await request({ type: 'close' });
    await sleep(1000);
  }
  child.kill();
}

/** The client side (a child process): werift peers that answer requests over IPC. */
async function clients() {
  const peers = new Map<number, RtcTestClient>();
  const clip = await synthesizeSpeech('what is nine times six and what time is it now please tell me', { leadingSilenceMs: 200, trailingSilenceMs: 200 });
  let measuring = false;
  process.on('message', async (message: any) => {
    const reply = (body: object) => process.send!({ ...body, id: message.id });
    switch (message.type) {
      case 'ready':
        return reply({});
      case 'offer': {
        const peer = RtcTestClient.create();
        peers.set(message.call, peer);
        return reply({ sdp: await peer.offer() });
      }
      case 'answer':
        try {
          await peers.get(message.call)!.accept(message.sdp);
          return reply({});
        } catch (error) {
          return reply({ error: (error as Error).message });
        }
      case 'speak': {
        measuring = true;
        for (const peer of peers.values()) {
          peer.received.length = 0;
          void (async () => {
            const until = performance.now() + message.seconds * 1000 + 500;
            while (performance.now() < until && measuring) await peer.send(clip);
          })();
        }
        return reply({});
      }
      case 'stats': {
        measuring = false;
        // Per call: a packet is late when it arrives over 40 ms after its place on the 48 kHz
        // clock, counted from the start of its utterance (the marker bit); a sender gap is a
        // packet that follows the previous one by more than 40 ms within an utterance.
        let late = 0;
        let packets = 0;
        let senderGaps = 0;
        for (const peer of peers.values()) {
          let t0 = 0;
          let ts0 = 0;
          let prev = 0;
          for (const p of peer.received) {
            packets++;
            if (p.marker || !t0) {
              t0 = p.at;
              ts0 = p.timestamp;
              prev = p.at;
              continue;
            }
            const due = t0 + ((p.timestamp - ts0) >>> 0) / 48;
            if (p.at - due > 40) late++;
            if (p.at - prev > 40) senderGaps++;
            prev = p.at;
          }
        }
        return reply({ late, packets, senderGaps });
      }
      case 'close':
        measuring = false;
        await Promise.all([...peers.values()].map((p) => p.close()));
        peers.clear();
        return reply({});
    }
  });
}

if (process.argv.includes('--clients')) {
  await clients();
} else {
  const turns = Number(process.argv[2] ?? 12);
  const counts = process.argv[3] === 'none' ? [] : (process.argv[3] ?? '10,25,50,75,100').split(',').map(Number);
  if (turns > 0) await voiceToVoice(turns);
  await components();
  await closeSpeechEngines();
  if (counts.length > 0) await scale(counts);
  await closeSpeechEngines();
  process.exit(0);
}

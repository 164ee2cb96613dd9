/**
 * Load benchmark (issue 12): N concurrent sessions, each a different person speaking real
 * speech in real time over /ws and hearing the whole answer, against the production build with
 * the embedded engines. For each N: speech end → final transcript and → first agent audio
 * (p50/p95, and the first turns apart), gaps over 100 ms in each reply's paced audio, errors and
 * busy refusals, the server's CPU (cores used, decoders included) and RSS. Stops escalating once
 * a level breaks (p95 to the final transcript over 3 s, or errors). Figures, not pass/fail.
 *   npx tsx scripts/bench-load.ts [levels=1,4,8,16,32] [turns=4]      (npm run bench:load)
 * The load generator runs on the same machine: its own CPU is reported too. BENCH_NICE=-10
 * raises the server's priority (it and its decoders; root only), to estimate a machine that
 * runs Parley alone when other work shares this one. BENCH_SERVER_X=v sets X=v for the server.
 */
import fs from 'node:fs';
import os from 'node:os';
import { ContractClient } from '../server/testing/contract-client';
import { benchServerEnv, startServer, type RunningServer } from '../server/testing/server-process';
import { processTree, quantile, QUESTIONS, talk, type TalkerResult } from '../server/testing/talker';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { signUp } from '../server/testing/users';

const levels = (process.argv[2] ?? '1,4,8,16,32').split(',').map(Number);
const turns = Number(process.argv[3] ?? 4);
const METRICS_TOKEN = 'bench-load-metrics-token-0123456789';
const nice = process.env.BENCH_NICE === undefined ? undefined : Number(process.env.BENCH_NICE);
const extraEnv = benchServerEnv();

async function metric(server: RunningServer, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? NaN : Number(line.split(' ').at(-1));
}

const speech = await Promise.all(QUESTIONS.map((q) => synthesizeSpeech(q, { leadingSilenceMs: 200, trailingSilenceMs: 300 })));
const fmt = (ms: number) => (Number.isNaN(ms) ? '–' : `${Math.round(ms)}`);
const rows: string[] = [];
console.log(`bench-load: ${turns} turns per talker, levels ${levels.join(', ')}${nice === undefined ? '' : `, server at nice ${nice}`}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}${Object.keys(extraEnv).length ? `, server env sets ${Object.keys(extraEnv).join(', ')}` : ''}`);

for (const n of levels) {
  const server = await startServer({ env: { MAX_SESSIONS: String(Math.max(64, n)), STT_MAX_CONCURRENT: String(Math.max(8, n + 2)), METRICS_TOKEN, ...extraEnv } });
  try {
    const people = await Promise.all(Array.from({ length: n }, (_, i) => signUp(server.url, `Load ${i}`)));
    const clients = await Promise.all(people.map((p) => ContractClient.connect(server.url, { cookie: p.cookie })));
    await Promise.all(clients.map((c) => c.next('session.ready')));
    // Sessions open: the server warms a recogniser for each. People do not speak in the first
    // instant either; wait (bounded) until they are warm so that what follows measures load.
    const warmStarted = performance.now();
    // Warm means the spare too: a decoder still loading takes a core for a second or two.
    const warm = async () => (await metric(server, 'parley_stt_decoders', '{state="idle"}')) >= n && (await metric(server, 'parley_stt_decoders', '{state="loading"}')) === 0;
    while (performance.now() - warmStarted < 90_000 && !(await warm())) await new Promise((r) => setTimeout(r, 250));
    const warmMs = performance.now() - warmStarted;

    const pid = server.process.pid!;
    if (nice !== undefined) for (const p of treePids(pid)) os.setPriority(p, nice);
    const before = processTree(pid);
    const cpuClientBefore = process.cpuUsage();
    let peakRss = before.rssBytes;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, processTree(pid).rssBytes)), 1000);
    const started = performance.now();
    const results: TalkerResult[] = await Promise.all(
      clients.map(async (client, i) => {
        await new Promise((r) => setTimeout(r, Math.random() * 1000)); // not in lockstep: within a second
        return talk(client, [...speech.slice(i % speech.length), ...speech.slice(0, i % speech.length)], { turns, pauseMs: 300 });
      }),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const after = processTree(pid);
    const clientCpu = process.cpuUsage(cpuClientBefore);
    await Promise.all(clients.map((c) => c.close()));

    const all = results.flatMap((r) => r.turns);
    const firsts = all.filter((t) => t.first);
    const stt = all.map((t) => t.sttMs);
    const audio = all.map((t) => t.firstAudioMs);
    const gaps = all.reduce((sum, t) => sum + t.gaps, 0);
    const longest = Math.max(0, ...all.map((t) => t.longestGapMs));
    const errors = results.flatMap((r) => r.errors);
    const waited = await metric(server, 'parley_stt_waited_for_load');
    const cores = (after.cpuSeconds - before.cpuSeconds) / wallSeconds;
    const row = `| ${n} | ${all.length} | ${fmt(quantile(stt, 0.5))} / ${fmt(quantile(stt, 0.95))} | ${fmt(quantile(firsts.map((t) => t.sttMs), 0.95))} | ${fmt(quantile(audio, 0.5))} / ${fmt(quantile(audio, 0.95))} | ${gaps} (longest ${fmt(longest)}) | ${errors.length} | ${cores.toFixed(2)} | ${((clientCpu.user + clientCpu.system) / 1e6 / wallSeconds).toFixed(2)} | ${Math.round(peakRss / 2 ** 20)} (${after.processes} proc) | ${Math.round(warmMs)} | ${waited} |`;
    rows.push(row);
    console.log(`  (load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    console.log(row);
    for (const e of errors.slice(0, 5)) console.log(`    error: ${e}`);
    const broke = quantile(stt, 0.95) > 3000 || errors.length > 0;
    if (broke) {
      console.log(`  N=${n} breaks: ${errors.length ? `${errors.length} errors` : `p95 speech end → final ${fmt(quantile(stt, 0.95))} ms`}; not going higher.`);
      break;
    }
  } finally {
    await server.stop();
  }
}
await closeSpeechEngines();
console.log('\n| talkers | turns | speech end → final p50 / p95 ms | first turns p95 ms | speech end → first audio p50 / p95 ms | gaps >100 ms | errors | server cores | client cores | server RSS MiB peak | warm-up ms | waited for load |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(0); // the talkers' unanswered waits would hold the process for their time-outs

/** The server's process and its children (decoders), each thread of the main one included. */
function treePids(pid: number): number[] {
  const threads = fs.readdirSync(`/proc/${pid}/task`).map(Number);
  const children = threads.flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number));
  return [...threads, ...children.flatMap((c) => treePids(c))];
}

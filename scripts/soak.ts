/**
 * Soak run (issue 12): two sessions talking for 10 minutes (default) against the production
 * build with the embedded engines, each speaking real speech in real time and hearing every
 * reply. Samples the server's RSS every 15 s (the Node process, and with its decoders), fits a
 * line to each (MiB per minute, over the second half too, after warm-up), and counts errors.
 * Not part of `npm run bench` (too long):  npm run soak [-- minutes=10]
 */
import { ContractClient } from '../server/testing/contract-client';
import { startServer } from '../server/testing/server-process';
import { processTree, quantile, QUESTIONS, talk } from '../server/testing/talker';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { signUp } from '../server/testing/users';

const minutes = Number(process.argv[2] ?? 10);
const SAMPLE_MS = 15_000;

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const speech = await Promise.all(QUESTIONS.map((q) => synthesizeSpeech(q, { leadingSilenceMs: 200, trailingSilenceMs: 300 })));
const server = await startServer();
let failed = false;
try {
  const people = await Promise.all([signUp(server.url, 'Soak A'), signUp(server.url, 'Soak B')]);
  const clients = await Promise.all(people.map((p) => ContractClient.connect(server.url, { cookie: p.cookie })));
  await Promise.all(clients.map((c) => c.next('session.ready')));
  const pid = server.process.pid!;
  const started = performance.now();
  const samples: Array<{ minute: number; main: number; tree: number; processes: number }> = [];
  const sample = () => {
    const t = processTree(pid);
    samples.push({ minute: (performance.now() - started) / 60_000, main: t.mainRssBytes / 2 ** 20, tree: t.rssBytes / 2 ** 20, processes: t.processes });
    const s = samples.at(-1)!;
    console.log(`  ${s.minute.toFixed(2)} min: Node ${s.main.toFixed(0)} MiB, with decoders ${s.tree.toFixed(0)} MiB (${s.processes} processes)`);
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);
  const until = started + minutes * 60_000;
  const results = await Promise.all(clients.map((client, i) => talk(client, [...speech.slice(i * 3), ...speech.slice(0, i * 3)], { until, pauseMs: 500 })));
  clearInterval(sampler);
  sample();
  await Promise.all(clients.map((c) => c.close()));

  const turns = results.flatMap((r) => r.turns);
  const errors = results.flatMap((r) => r.errors);
  const serverErrors = server.logRecords().filter((r) => r.level >= 50);
  const fit = (key: 'main' | 'tree', from = 0) => slope(samples.filter((s) => s.minute >= from).map((s) => [s.minute, s[key]]));
  const half = minutes / 2;
  console.log(`\nsoak: 2 sessions, ${minutes} min, ${turns.length} turns answered`);
  console.log(`  speech end → final p50 ${Math.round(quantile(turns.map((t) => t.sttMs), 0.5))} ms, p95 ${Math.round(quantile(turns.map((t) => t.sttMs), 0.95))} ms; gaps >100 ms: ${turns.reduce((s, t) => s + t.gaps, 0)}`);
  console.log(`  RSS Node: ${samples[0].main.toFixed(0)} → ${samples.at(-1)!.main.toFixed(0)} MiB, slope ${fit('main').toFixed(2)} MiB/min (second half ${fit('main', half).toFixed(2)})`);
  console.log(`  RSS with decoders: ${samples[0].tree.toFixed(0)} → ${samples.at(-1)!.tree.toFixed(0)} MiB, slope ${fit('tree').toFixed(2)} MiB/min (second half ${fit('tree', half).toFixed(2)})`);
  console.log(`  client-side errors: ${errors.length}${errors.length ? ` (${errors.slice(0, 3).join('; ')})` : ''}; server error-level log records: ${serverErrors.length}`);
  const kinds = new Map<string, number>();
  for (const r of serverErrors) kinds.set(`${r.msg}${r.err?.message ? `: ${r.err.message.slice(0, 120)}` : ''}`, (kinds.get(`${r.msg}${r.err?.message ? `: ${r.err.message.slice(0, 120)}` : ''}`) ?? 0) + 1);
  for (const [kind, count] of kinds) console.log(`    ${count}× ${kind}`);
  failed = errors.length > 0 || serverErrors.length > 0 || turns.length === 0;
} finally {
  await server.stop();
  await closeSpeechEngines();
}
process.exit(failed ? 1 : 0);

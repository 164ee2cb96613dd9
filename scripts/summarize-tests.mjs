// Adds up the JSON reports of vitest and Playwright into the one line CI reads:
// "N passed, N failed". A missing report, or a *.failed marker, counts as a failure.
import fs from 'node:fs';
import path from 'node:path';

const [dir, ...expected] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];

for (const name of expected) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    failed += 1;
    lines.push(`${name}: no report (the runner did not finish)`);
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  let p, f, s;
  if (report.stats && 'expected' in report.stats) {
    // Playwright
    p = report.stats.expected + report.stats.flaky;
    f = report.stats.unexpected + (report.errors?.length ?? 0);
    s = report.stats.skipped;
  } else {
    // vitest; a file that failed to load counts too
    p = report.numPassedTests;
    f = report.numFailedTests + (report.testResults ?? []).filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
    s = report.numPendingTests + (report.numTodoTests ?? 0);
    // A run that failed outside any test (global setup threw, no files) still failed.
    if (report.success === false && f === 0) f = 1;
  }
  passed += p;
  failed += f;
  skipped += s;
  lines.push(`${name.replace(/\.json$/, '')}: ${p} passed, ${f} failed, ${s} skipped`);
}
for (const marker of fs.readdirSync(dir).filter((f) => f.endsWith('.failed'))) {
  failed += 1;
  lines.push(`${marker.replace(/\.failed$/, '')}: ${fs.readFileSync(path.join(dir, marker), 'utf8').trim()}`);
}

console.log('\n━━ summary');
for (const line of lines) console.log(`  ${line}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);

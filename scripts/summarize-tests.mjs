// Adds up the JSON reports of vitest and Playwright into the one line CI reads:
// "N passed, N failed". A missing report, or a *.failed marker, counts as a failure.
import fs from 'node:fs';
import path from 'node:path';

const [dir, ...expected] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
// The CI log keeps only its tail: name what failed here, so the tail says it.
const failures = [];

// Playwright nests suites (file → describe → spec); collect the specs that did not pass.
function playwrightFailures(suites, trail = []) {
  for (const suite of suites ?? []) {
    const here = suite.title ? [...trail, suite.title] : trail;
    for (const spec of suite.specs ?? []) {
      if (spec.ok === false) {
        const error = spec.tests?.flatMap((t) => t.results ?? []).find((r) => r.error)?.error?.message ?? '';
        failures.push(`${[...here, spec.title].join(' › ')}${error ? `: ${firstLine(error)}` : ''}`);
      }
    }
    playwrightFailures(suite.suites, here);
  }
}

function firstLine(text) {
  // Playwright and vitest messages carry ANSI colours; the summary is plain text.
  return text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';
}

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
    playwrightFailures(report.suites);
    for (const error of report.errors ?? []) failures.push(`e2e: ${firstLine(error.message ?? '')}`);
  } else {
    // vitest; a file that failed to load counts too
    p = report.numPassedTests;
    f = report.numFailedTests + (report.testResults ?? []).filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
    s = report.numPendingTests + (report.numTodoTests ?? 0);
    // A run that failed outside any test (global setup threw, no files) still failed.
    if (report.success === false && f === 0) f = 1;
    for (const file of report.testResults ?? []) {
      const where = path.relative(process.cwd(), file.name ?? '');
      if (file.status === 'failed' && file.assertionResults.length === 0) failures.push(`${where}: ${firstLine(file.message ?? '')}`);
      for (const test of file.assertionResults ?? []) {
        if (test.status === 'failed') failures.push(`${where} › ${test.fullName}: ${firstLine(test.failureMessages?.[0] ?? '')}`);
      }
    }
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
if (failures.length > 0) {
  console.log('  failed:');
  for (const failure of failures) console.log(`    - ${failure}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);

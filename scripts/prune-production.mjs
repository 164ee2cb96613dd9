// Run after `npm ci --omit=dev` (the container's build): removes every installed package that
// production does not reach. npm keeps "devOptional" packages, the optional peers of production
// packages that the dev tree also has (better-auth → vitest, drizzle-kit; next → playwright),
// and their platform binaries: ~200 MB of test tools in the image otherwise.
// Reach: from package.json's dependencies, each package's dependencies, optionalDependencies and
// non-optional peerDependencies, resolved as Node resolves them over package-lock.json's tree.
import fs from 'node:fs';
import path from 'node:path';

const root = process.argv[2] ?? '.';
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const packages = lock.packages;
if (lockfileVersionTooOld(lock)) {
  console.error('prune-production: package-lock.json must be lockfileVersion 2 or 3 (npm 7+); run npm install once to upgrade it');
  process.exit(1);
}

function lockfileVersionTooOld(file) {
  return !(file.lockfileVersion >= 2 && file.packages && file.packages['']);
}

/** The lock key `name` resolves to from the package at `from` ('' is the app), as Node looks up. */
function resolve(from, name) {
  let dir = from;
  for (;;) {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const at = dir.lastIndexOf('node_modules/');
    dir = at <= 0 ? '' : dir.slice(0, at - 1);
  }
}

const reached = new Set(['']);
const queue = [''];
while (queue.length > 0) {
  const key = queue.pop();
  const entry = packages[key];
  const names = [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !entry.peerDependenciesMeta?.[name]?.optional),
  ];
  for (const name of names) {
    const target = resolve(key, name);
    // An optional dependency for another platform is in the lock but was never installed.
    if (target === undefined || reached.has(target)) continue;
    reached.add(target);
    queue.push(target);
  }
}

let removed = 0;
// Deepest first, so a removed parent never hides a nested key still to check.
const keys = Object.keys(packages).filter((key) => key.startsWith('node_modules/')).sort((a, b) => b.length - a.length);
for (const key of keys) {
  if (reached.has(key) || packages[key].link) continue;
  const dir = path.join(root, key);
  if (!fs.existsSync(dir)) continue;
  fs.rmSync(dir, { recursive: true, force: true });
  removed += 1;
}
// Links in node_modules/.bin to removed packages.
const bin = path.join(root, 'node_modules', '.bin');
if (fs.existsSync(bin)) {
  for (const name of fs.readdirSync(bin)) {
    const link = path.join(bin, name);
    if (!fs.existsSync(link)) fs.rmSync(link, { force: true });
  }
}
console.log(`prune-production: kept ${reached.size - 1} packages, removed ${removed} that production does not reach`);

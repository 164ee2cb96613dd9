/**
 * One process at a time on an embedded database directory, and at once again after a crash.
 *
 * The lock names its holder, as PostgreSQL's postmaster.pid does: process id, the kernel's boot
 * id, the process's pid namespace and its start time. On the same machine and in the same pid
 * namespace that tells for certain whether the holder still runs (pid ids are reused, a pid with
 * the same start time in the same boot is not), so a dead holder's lock is taken over at once.
 * A holder we cannot see (another container or machine sharing the directory, or no /proc)
 * is watched: alive as soon as it refreshes its lock (every 2 s), gone once it has not for
 * 10 s. A container restarted after a crash is such a case (a new pid namespace each start):
 * it waits out the rest of those 10 s.
 *
 * The lock is a directory of numbered holder files; the highest number is the lock. A file is
 * created complete (written aside, then hard-linked into place) and only if its number is free,
 * so of everyone who finds holder N gone, exactly one becomes holder N+1; no file is ever
 * replaced, so nobody can remove a live holder's file by mistake. Files below the holder's are
 * deleted by it; a stopped holder's file stays, marked released, so numbers are never reused.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** A live holder refreshes its file this often; one not refreshed for STALE_MS is gone. */
const REFRESH_MS = 2_000;
const STALE_MS = 10_000;
/** How often an unseen holder's file is looked at. */
const WATCH_MS = 250;
/** Each round either succeeds, refuses, or lost a race someone else won: a few are plenty. */
const MAX_ROUNDS = 20;

const holderSchema = z.object({
  pid: z.number().int(),
  hostname: z.string(),
  /** /proc/sys/kernel/random/boot_id: changes with every boot of the kernel. */
  bootId: z.string().nullable(),
  /** /proc/self/ns/pid: pids only mean something within one pid namespace (container). */
  pidNamespace: z.string().nullable(),
  /** Field 22 of /proc/<pid>/stat: clock ticks from boot to the process's start. */
  startTime: z.string().nullable(),
  since: z.string(),
  released: z.boolean().optional(),
});

export type LockHolder = z.infer<typeof holderSchema>;

export class DataDirLockHeld extends Error {
  constructor(
    /** undefined: a holder file we cannot read, refreshed within the last STALE_MS. */
    readonly holder: LockHolder | undefined,
    /** How we know it is alive: it is in our process table, or it keeps refreshing its file. */
    readonly seenBy: 'process table' | 'refreshes',
  ) {
    super(holder ? `held by pid ${holder.pid} on ${holder.hostname} since ${holder.since}` : 'held by a holder file that cannot be read');
  }
}

export interface DataDirLock {
  readonly holder: LockHolder;
  /** Stops refreshing and marks the lock released: the next process takes it at once. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** The lock was taken from us (our file is gone or a higher one appeared): stop writing. */
  onCompromised(reason: string): void;
}

/** Takes the lock in `lockDir` or throws DataDirLockHeld naming the live holder. */
export async function lockDataDir(lockDir: string, options: LockOptions): Promise<DataDirLock> {
  await fs.mkdir(lockDir, { recursive: true });
  const me = currentHolder();
  const staged = path.join(lockDir, `.staged-${process.pid}-${randomUUID()}`);
  await fs.writeFile(staged, JSON.stringify(me));
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const numbers = await holderNumbers(lockDir);
      const newest = numbers.at(-1);
      if (newest !== undefined) {
        const found = await readHolder(holderFile(lockDir, newest));
        if (found === 'missing') continue; // deleted as we looked: look again
        const verdict = judge(found);
        if (verdict === 'process table') throw new DataDirLockHeld(found.holder, verdict);
        if (verdict === 'unseen') {
          if ((await watchRefreshes(holderFile(lockDir, newest), found)) === 'refreshed') throw new DataDirLockHeld(found.holder, 'refreshes');
          continue; // gone stale, or replaced: look again
        }
      }
      const mine = (newest ?? 0) + 1;
      try {
        await fs.link(staged, holderFile(lockDir, mine));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // someone else got N+1 first
        throw error;
      }
      // A process that looked long ago may have created an old, since deleted, number: only
      // the highest counts, so back off if it is not ours.
      if ((await holderNumbers(lockDir)).at(-1) !== mine) {
        await removeQuietly(holderFile(lockDir, mine));
        continue;
      }
      await Promise.all(numbers.filter((n) => n < mine).map((n) => removeQuietly(holderFile(lockDir, n))));
      return holdLock(lockDir, mine, me, options);
    }
    throw new Error(`Could not take the lock in ${lockDir}: other processes kept taking it first.`);
  } finally {
    await removeQuietly(staged);
  }
}

function holdLock(lockDir: string, number: number, me: LockHolder, options: LockOptions): DataDirLock {
  const file = holderFile(lockDir, number);
  let released = false;
  let refreshing: Promise<void> = Promise.resolve();
  const refresh = async () => {
    try {
      const now = new Date();
      await fs.utimes(file, now, now);
      const newest = (await holderNumbers(lockDir)).at(-1);
      if (newest !== number && !released) return options.onCompromised(`holder ${newest ?? 'none'} replaced ours (${number})`);
    } catch (error) {
      if (!released) options.onCompromised(`could not refresh ${file}: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => {
    refreshing = refreshing.then(refresh);
  }, REFRESH_MS);
  timer.unref();
  return {
    holder: me,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      await refreshing;
      // Replaced whole (rename), never half-written; the number stays taken.
      const staged = path.join(lockDir, `.staged-${process.pid}-${randomUUID()}`);
      await fs.writeFile(staged, JSON.stringify({ ...me, released: true } satisfies LockHolder));
      await fs.rename(staged, file);
    },
  };
}

interface FoundHolder {
  /** undefined: the file is not a holder file we can read (foreign, or cut short by a power loss). */
  holder: LockHolder | undefined;
  refreshedAt: number;
  /** The file's inode: a released lock is a new file under the same name. */
  inode: number;
}

async function readHolder(file: string): Promise<FoundHolder | 'missing'> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    const parsed = holderSchema.safeParse(safeJson(text));
    return { holder: parsed.success ? parsed.data : undefined, refreshedAt: stat.mtimeMs, inode: stat.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** Alive by our process table, gone, or unseen: only its refreshes can tell. */
function judge(found: FoundHolder): 'process table' | 'unseen' | 'gone' {
  const { holder } = found;
  if (holder?.released) return 'gone';
  const here = currentHolder();
  const visible =
    holder !== undefined && holder.startTime !== null && here.bootId !== null && holder.bootId === here.bootId && holder.pidNamespace === here.pidNamespace;
  if (visible) {
    const running = processStat(holder.pid);
    // A zombie has exited: only its parent has not collected its exit status yet.
    const alive = running !== null && running.startTime === holder.startTime && running.state !== 'Z' && running.state !== 'X';
    return alive ? 'process table' : 'gone';
  }
  return Date.now() - found.refreshedAt < STALE_MS ? 'unseen' : 'gone';
}

/** Watches an unseen holder's file until it is refreshed (alive), goes stale, or is replaced. */
async function watchRefreshes(file: string, found: FoundHolder): Promise<'refreshed' | 'stale' | 'replaced'> {
  for (;;) {
    const left = found.refreshedAt + STALE_MS - Date.now();
    if (left <= 0) return 'stale';
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, WATCH_MS)));
    const now = await fs.stat(file).catch(() => null);
    if (now === null || now.ino !== found.inode) return 'replaced';
    if (now.mtimeMs !== found.refreshedAt) return 'refreshed';
  }
}

let self: LockHolder | undefined;

/** This process, as a lock holder names it. */
export function currentHolder(): LockHolder {
  self ??= {
    pid: process.pid,
    hostname: os.hostname(),
    bootId: readOrNull(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()),
    pidNamespace: readOrNull(() => readlinkSync('/proc/self/ns/pid')),
    startTime: processStat(process.pid)?.startTime ?? null,
    since: new Date().toISOString(),
  };
  return self;
}

/** State and start time of a running process, from /proc/<pid>/stat; null when there is none. */
function processStat(pid: number): { state: string; startTime: string } | null {
  const stat = readOrNull(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (stat === null) return null;
  // "pid (command) state ppid …": the command may hold spaces and parentheses, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, startTime] = [fields[0], fields[19]];
  return state && startTime ? { state, startTime } : null;
}

function holderFile(lockDir: string, number: number): string {
  return path.join(lockDir, `holder-${number}`);
}

async function holderNumbers(lockDir: string): Promise<number[]> {
  const names = await fs.readdir(lockDir);
  return names
    .map((name) => /^holder-(\d+)$/.exec(name))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

async function removeQuietly(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}

function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

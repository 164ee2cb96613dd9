/** The data directory lock, with real processes as holders: who may take it, and when. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { currentHolder, DataDirLockHeld, lockDataDir, type DataDirLock, type LockHolder } from './data-dir-lock';

const helper = path.resolve(import.meta.dirname, '..', 'testing', 'lock-holder-process.ts');

/** A lock-holder-process.ts child: says `ready`, tries the lock on `go()`, reports how it went. */
class HolderProcess {
  readonly child: ChildProcess;
  private readonly lines: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];
  readonly exited: Promise<void>;

  constructor(lockDir: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', helper, lockDir], { stdio: ['pipe', 'pipe', 'inherit'] });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first line it printed that has `key`. */
  async line(key: string): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.lines.find((l) => key in l);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Tries the lock; resolves with `{ locked: true }` or `{ heldBy: pid }`. */
  async attempt(): Promise<Record<string, unknown>> {
    this.child.stdin!.write('go\n');
    for (;;) {
      const result = this.lines.find((l) => 'locked' in l || 'heldBy' in l);
      if (result) return result;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

const children: HolderProcess[] = [];
const locks: DataDirLock[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  await Promise.all(locks.splice(0).map((l) => l.release()));
});

function lockDir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lock-')), 'pglite.lock');
}

async function lockedBy(dir: string): Promise<HolderProcess> {
  const holder = new HolderProcess(dir);
  children.push(holder);
  await holder.line('ready');
  expect(await holder.attempt()).toEqual({ locked: true });
  return holder;
}

async function take(dir: string, onCompromised: (reason: string) => void = () => {}): Promise<DataDirLock> {
  const lock = await lockDataDir(dir, { onCompromised });
  locks.push(lock);
  return lock;
}

function holderFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('holder-')).map((name) => path.join(dir, name));
}

/** Makes the holder's file look refreshed an hour from now: it cannot be taken for being stale. */
function freshForAnHour(dir: string) {
  const later = new Date(Date.now() + 3_600_000);
  for (const file of holderFiles(dir)) fs.utimesSync(file, later, later);
}

describe('the data directory lock', () => {
  it('names the holder it found running and refuses, in this process too', async () => {
    const dir = lockDir();
    const other = await lockedBy(dir);
    const refusal = await lockDataDir(dir, { onCompromised: () => {} }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DataDirLockHeld);
    expect(refusal).toMatchObject({ holder: { pid: other.pid, hostname: os.hostname() }, seenBy: 'process table' });
    await other.kill();

    await take(dir);
    await expect(lockDataDir(dir, { onCompromised: () => {} })).rejects.toMatchObject({ holder: { pid: process.pid }, seenBy: 'process table' });
  });

  it('takes over at once from a holder that was killed, however recently it refreshed its lock', async () => {
    const dir = lockDir();
    const dead = await lockedBy(dir);
    await dead.kill();
    freshForAnHour(dir);
    const lock = await take(dir);
    expect(lock.holder.pid).toBe(process.pid);
    // The dead holder's file is gone; ours is the only one.
    expect(holderFiles(dir).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')).pid)).toEqual([process.pid]);
  });

  it('is taken at once after a clean release', async () => {
    const dir = lockDir();
    const first = await lockDataDir(dir, { onCompromised: () => {} });
    await first.release();
    freshForAnHour(dir);
    await take(dir);
  });

  it('goes to exactly one of several processes that find its holder dead at the same moment', async () => {
    const dir = lockDir();
    await (await lockedBy(dir)).kill();
    freshForAnHour(dir);
    const racers = Array.from({ length: 5 }, () => new HolderProcess(dir));
    children.push(...racers);
    await Promise.all(racers.map((r) => r.line('ready')));
    const results = await Promise.all(racers.map((r) => r.attempt()));
    const winners = racers.filter((_, i) => results[i].locked === true);
    expect(winners).toHaveLength(1);
    for (let i = 0; i < racers.length; i++) {
      if (racers[i] !== winners[0]) expect(results[i]).toEqual({ heldBy: winners[0].pid });
    }
  });

  describe('a holder it cannot see in its process table (another container, machine or boot)', () => {
    function writeHolder(dir: string, holder: Partial<LockHolder> | string, refreshedMsAgo: number) {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'holder-7');
      const elsewhere: LockHolder = { ...currentHolder(), pid: 4242, hostname: 'elsewhere', bootId: 'another-boot' };
      fs.writeFileSync(file, typeof holder === 'string' ? holder : JSON.stringify({ ...elsewhere, ...holder }));
      const at = new Date(Date.now() - refreshedMsAgo);
      fs.utimesSync(file, at, at);
    }

    it('counts as alive as soon as it is seen refreshing its lock', async () => {
      for (const holder of [{}, { pidNamespace: 'pid:[1]', bootId: currentHolder().bootId }, 'not a holder file']) {
        const dir = lockDir();
        writeHolder(dir, holder, 1_000);
        const refreshing = setInterval(() => fs.utimesSync(path.join(dir, 'holder-7'), new Date(), new Date()), 500);
        try {
          await expect(lockDataDir(dir, { onCompromised: () => {} })).rejects.toMatchObject({ seenBy: 'refreshes' });
        } finally {
          clearInterval(refreshing);
        }
      }
    });

    it('is gone once 10 s have passed without a refresh, and is then taken over', async () => {
      const dir = lockDir();
      writeHolder(dir, {}, 9_000); // stopped refreshing 9 s ago: the lock waits out the last second
      await take(dir);
      expect(holderFiles(dir).map((f) => path.basename(f))).toEqual(['holder-8']);

      const stale = lockDir();
      writeHolder(stale, 'not a holder file', 11_000);
      await take(stale);
    });
  });

  it('tells its holder when someone else has taken it', async () => {
    const dir = lockDir();
    const compromised = vi.fn();
    await take(dir, compromised);
    fs.writeFileSync(path.join(dir, 'holder-2'), JSON.stringify({ ...currentHolder(), pid: 4242 }));
    await vi.waitFor(() => expect(compromised).toHaveBeenCalledWith('holder 2 replaced ours (1)'), { timeout: 15_000, interval: 200 });
  });
});

/**
 * A process that takes a data directory lock, for the lock's tests: `node --import tsx
 * lock-holder-process.ts <lockDir>`. It waits for a line on stdin ("go"), tries once, prints one
 * JSON line (`{"locked":true}` or `{"heldBy":<pid>}`) and then stays until killed or stdin closes.
 */
import readline from 'node:readline';
import { DataDirLockHeld, lockDataDir } from '../store/data-dir-lock';

const lockDir = process.argv[2];
if (!lockDir) throw new Error('usage: lock-holder-process.ts <lockDir>');
const input = readline.createInterface({ input: process.stdin });
console.log(JSON.stringify({ ready: true }));
input.once('line', async () => {
  try {
    await lockDataDir(lockDir, { onCompromised: (reason) => console.log(JSON.stringify({ compromised: reason })) });
    console.log(JSON.stringify({ locked: true }));
  } catch (error) {
    if (!(error instanceof DataDirLockHeld)) throw error;
    console.log(JSON.stringify({ heldBy: error.holder?.pid ?? null }));
  }
});
input.once('close', () => process.exit(0));

/**
 * The handle the custom server shares with Next's route handlers and pages.
 * Next bundles those separately, so a module-level variable would be a second copy: the
 * handle lives on globalThis. Only server/main.ts sets it, after opening the database, so
 * no route handler can ever open the database a second time.
 */
import type { Auth } from './auth/auth';
import type { Config } from './config';
import type { Database } from './store/database';

export interface Runtime {
  config: Config;
  db: Database;
  auth: Auth;
  /** The voices a person may choose in Settings (the configured voice engine's), the configured one first. */
  voices(): Promise<string[]>;
}

const key = Symbol.for('parley.runtime');
type Holder = { [key]?: Runtime };

export function setRuntime(runtime: Runtime | undefined): void {
  (globalThis as Holder)[key] = runtime;
}

export function getRuntime(): Runtime {
  const runtime = (globalThis as Holder)[key];
  if (!runtime) {
    throw new Error(
      "Parley's runtime is not running in this process: start the app with `npm start` or `npm run dev` (server/main.ts), not `next start`/`next dev`.",
    );
  }
  return runtime;
}

/**
 * RECORDING_RETENTION_DAYS: kept turn audio older than that is deleted, once at start and then
 * every hour (the transcripts stay). Every instance on one PostgreSQL may run it: deleting what
 * is already gone does nothing.
 */
import type { Logger } from '../log';
import type { Database } from './database';
import { purgeRecordingsBefore } from './turn-audio';

const DAY_MS = 86_400_000;
export const RETENTION_CHECK_MS = 3_600_000;

/** Starts purging; `stop()` ends it, once a purge under way is over. */
export function startRecordingRetention(options: { db: Database; days: number; log: Logger; everyMs?: number; now?: () => number }): { stop(): Promise<void> } {
  const { db, days, log } = options;
  const now = options.now ?? Date.now;
  let running: Promise<void> = Promise.resolve();
  const purge = () => {
    running = (async () => {
      try {
        const deleted = await purgeRecordingsBefore(db, new Date(now() - days * DAY_MS));
        if (deleted > 0) log.info({ component: 'recordings', deleted, retentionDays: days }, `deleted ${deleted} recordings older than ${days} days`);
      } catch (error) {
        log.error({ component: 'recordings', err: error }, 'failed to delete expired recordings; trying again within the hour');
      }
    })();
    return running;
  };
  void purge();
  const timer = setInterval(() => void purge(), options.everyMs ?? RETENTION_CHECK_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return running;
    },
  };
}

/**
 * Deno KV on a file that several processes (or handles) open, as the service and the backfill CLI open
 * `JOBS_KV_PATH`: a write that meets another's lock fails at once with "database is locked" (SQLite's busy
 * wait is not exposed), so shared writes try again after a short, growing, jittered pause.
 *
 * @module
 */

/** Attempts before the lock error is thrown (about 1.5 s of pauses in all). */
const ATTEMPTS = 40;

/** Whether `error` is SQLite's "database is locked" (another connection holds the write lock). */
export function isLockedError(error: unknown): boolean {
  return error instanceof Error && /database is locked|database table is locked/i.test(error.message);
}

/** Runs `write` (a read-check-commit round, run again whole) until it does not meet a lock. */
export async function retryWhileLocked<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isLockedError(error) || attempt >= ATTEMPTS) throw error;
      const pause = Math.min(50, 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * Deno KV files: the one place that calls `Deno.openKv`. The hot store's file (`KV_PATH`), the jobs' file
 * (`JOBS_KV_PATH`, shared with a backfill CLI running beside the service) and each process's outbox are
 * opened here, their folder created first.
 *
 * @module
 */
import { dirname } from "node:path";

/** Opens the Deno KV database at `path` (`:memory:` in tests), creating its folder when missing. */
export async function openKv(path: string): Promise<Deno.Kv> {
  if (path !== ":memory:") {
    const dir = dirname(path);
    if (dir !== "" && dir !== ".") await Deno.mkdir(dir, { recursive: true });
  }
  return await Deno.openKv(path);
}

/** The environment of a command-line task in tests: embedded defaults (no Redis, no Kafka) under a folder. */
import { join } from "node:path";

/** Environment of a task on the embedded defaults under `dir`, OASIS at `baseUrl`. */
export function envFor(
  dir: string,
  baseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NO_COLOR: "1",
    CAISO_OASIS_BASE_URL: baseUrl,
    CAISO_OASIS_MIN_INTERVAL_MS: "0",
    CAISO_OASIS_BACKOFF_MS: "0",
    REDIS_URL: "",
    KAFKA_BOOTSTRAP_SERVERS: "",
    CONFIG_FILE: "",
    BRONZE_DIR: join(dir, "bronze"),
    BACKFILL_OUTBOX_PATH: join(dir, "outbox.kv"),
    STORE_KV_PATH: join(dir, "hot.kv"),
    JOBS_KV_PATH: join(dir, "jobs.kv"),
    ...extra,
  };
}

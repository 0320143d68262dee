/**
 * Opens what the service and the backfill CLI deliver to, from configuration: the hot store with the job
 * coordination (both on Redis when `REDIS_URL` is set, else the store's and the jobs' Deno KV files) and
 * Bronze publishing on an outbox in its own Deno KV file (the service's and the CLI's are different files,
 * because one process owns an outbox). The caller closes them in its own order.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { type Bronze, createBronze } from "../bronze/bronze_service.ts";
import type { Log } from "../log.ts";
import { type Coordination, openKvCoordination } from "../store/coordination.ts";
import { openKvStore } from "../store/kv_store.ts";
import { createRedisStore } from "../store/redis_store.ts";
import { redactUrl } from "../store/settings.ts";
import type { PriceStore } from "../store/store.ts";

/** The opened backends, with what they are, for the start-up log. */
export interface Backends {
  readonly store: PriceStore;
  readonly coordination: Coordination;
  readonly bronze: Bronze;
  /** What each is connected to (passwords hidden). */
  readonly names: { readonly store: string; readonly coordination: string; readonly bronze: string };
  /** Drains the outbox within the configured deadline, closes the sink and the outbox KV; rows left. */
  closeBronze(): Promise<number>;
  /** Closes the coordination and the store. */
  closeStore(): Promise<void>;
}

async function openOutboxKv(path: string): Promise<Deno.Kv> {
  const dir = path.replace(/\/[^/]*$/, "");
  if (path !== ":memory:" && dir !== path && dir !== "") await Deno.mkdir(dir, { recursive: true });
  return await Deno.openKv(path);
}

/** Opens the store, the coordination and Bronze (started: topics created, drainer running). */
export async function openBackends(
  config: Config,
  options: { readonly outboxPath: string; readonly log: Log },
): Promise<Backends> {
  let store: PriceStore, coordination: Coordination, storeName: string;
  if (config.store.redis) {
    const redis = createRedisStore({ config: config.store });
    // The first runs start at once: give Redis its connect timeout; past it go on degraded (polls fail
    // and are retried, reads turn stale) rather than refuse to start.
    await redis.waitUntilReady(config.store.redis.commandTimeoutMs).catch((e) =>
      options.log("warn", "redis not reachable yet; polls fail until it is", { error: (e as Error).message })
    );
    [store, coordination] = [redis, redis.coordination()];
    storeName = `redis ${redactUrl(config.store.redis.url)}`;
  } else {
    store = await openKvStore({ config: config.store });
    coordination = await openKvCoordination(config.jobs.kvPath);
    storeName = `deno kv ${config.store.kvPath}`;
  }
  const closeStore = async () => {
    await coordination.close();
    await store.close();
  };
  let outboxKv: Deno.Kv | undefined;
  try {
    outboxKv = await openOutboxKv(options.outboxPath);
    const bronze = await createBronze(config.bronze, {
      kv: outboxKv,
      log: options.log,
      datasets: config.datasets,
    });
    await bronze.start();
    const kv = outboxKv;
    return {
      store,
      coordination,
      bronze,
      names: {
        store: storeName,
        coordination: coordination.kind === "redis" ? storeName : `deno kv ${config.jobs.kvPath}`,
        bronze: config.bronze.kafka
          ? `kafka ${config.bronze.kafka.brokers.join(",")} (outbox ${options.outboxPath})`
          : `ndjson ${config.bronze.bronzeDir} (outbox ${options.outboxPath})`,
      },
      async closeBronze() {
        const left = await bronze.close();
        kv.close();
        return left;
      },
      closeStore,
    };
  } catch (error) {
    outboxKv?.close();
    await closeStore();
    throw error;
  }
}

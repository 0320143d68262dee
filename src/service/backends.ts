/**
 * Opens what the service and the backfill CLI deliver to, from configuration: the hot store, the job
 * coordination and the OASIS request gate's shared slots, and Bronze publishing on an outbox in its own
 * Deno KV file (the service's and the CLI's are different files, because one process owns an outbox). The
 * caller closes them in its own order.
 *
 * With `REDIS_URL` the store, the coordination and the gate slots live in Redis, and the coordination is
 * mirrored in the jobs' Deno KV file (`JOBS_KV_PATH`), which answers while Redis is down: polling and
 * Bronze publishing go on (the store counts its failed writes, and the watermark waits until the store
 * has the rows again); the gate spaces requests per process meanwhile. Without Redis all three are local:
 * the store's Deno KV file, and `JOBS_KV_PATH`, shared with a backfill CLI running beside the service.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { type Bronze, createBronze } from "../bronze/bronze_service.ts";
import { openKv } from "../clients/kv.ts";
import type { Coordination } from "../coordination/coordination.ts";
import { FailoverCoordination } from "../coordination/failover_coordination.ts";
import { KvCoordination } from "../coordination/kv_coordination.ts";
import { KvGateSlots } from "../coordination/kv_gate_slots.ts";
import { RedisCoordination } from "../coordination/redis_coordination.ts";
import { RedisGateSlots } from "../coordination/redis_gate_slots.ts";
import type { Log } from "../log.ts";
import type { SharedSlots } from "../oasis/gate_slots.ts";
import { openKvStore } from "../store/kv_store.ts";
import { redactUrl, type RedisSettings } from "../store/settings.ts";
import type { PriceStore } from "../store/store.ts";

/** The opened backends, with what they are, for the start-up log. */
export interface Backends {
  readonly store: PriceStore;
  readonly coordination: Coordination;
  /** Reserved OASIS request starts shared by every process on the same Redis or `JOBS_KV_PATH`. */
  readonly gateSlots: SharedSlots;
  readonly bronze: Bronze;
  /** What each is connected to (passwords hidden). */
  readonly names: { readonly store: string; readonly coordination: string; readonly bronze: string };
  /** Drains the outbox within the configured deadline, closes the sink and the outbox KV; rows left. */
  closeBronze(): Promise<number>;
  /** Closes the coordination and the store. */
  closeStore(): Promise<void>;
}

/** The hot store, the coordination and the gate slots, and what the store is. */
interface HotBackends {
  readonly store: PriceStore;
  readonly coordination: Coordination;
  readonly gateSlots: SharedSlots;
  readonly storeName: string;
}

/** On Redis: one client for the store, the coordination (mirrored in `local`) and the gate slots. */
async function openOnRedis(
  config: Config,
  redis: RedisSettings,
  local: KvCoordination,
  log: Log,
): Promise<HotBackends> {
  // Loaded only with REDIS_URL: ioredis and the Node modules it pulls in cost about 27 MB resident.
  const { createRedisClient, redisEval } = await import("../clients/redis.ts");
  const { RedisStore } = await import("../store/redis_store.ts");
  const client = createRedisClient(redis);
  const store = new RedisStore({ client, config: config.store });
  const storeName = `redis ${redactUrl(redis.url)}`;
  // The first runs start at once: give Redis its connect timeout; past it go on degraded (Bronze gets
  // the rows, the store counts failed writes, reads turn stale) rather than refuse to start.
  await store.waitUntilReady(redis.commandTimeoutMs).catch((e) =>
    log("warn", "redis not reachable yet; polls go on with the local job coordination", {
      error: (e as Error).message,
    })
  );
  const run = redisEval(client);
  const coordination = new FailoverCoordination({
    primary: new RedisCoordination({ eval: run }),
    local,
    onPrimary: (reachable, error) =>
      reachable
        ? log("info", "redis job coordination reachable again", { redis: storeName })
        : log("warn", "redis job coordination unreachable; using its local mirror", {
          redis: storeName,
          mirror: `deno kv ${config.jobs.kvPath}`,
          error: error?.message,
        }),
  });
  return { store, coordination, gateSlots: new RedisGateSlots({ eval: run }), storeName };
}

/** Opens the store, the coordination and the gate slots; closes `jobsKv` when that fails. */
async function openHot(config: Config, jobsKv: Deno.Kv, log: Log): Promise<HotBackends> {
  const local = new KvCoordination({ kv: jobsKv, ownsKv: true });
  try {
    if (config.store.redis) return await openOnRedis(config, config.store.redis, local, log);
    const store = await openKvStore({ config: config.store });
    const storeName = `deno kv ${config.store.kvPath}`;
    return { store, coordination: local, gateSlots: new KvGateSlots({ kv: jobsKv }), storeName };
  } catch (error) {
    await local.close();
    throw error;
  }
}

/** Opens the store, the coordination and Bronze (started: topics created, drainer running). */
export async function openBackends(
  config: Config,
  options: { readonly outboxPath: string; readonly log: Log },
): Promise<Backends> {
  const jobsName = `deno kv ${config.jobs.kvPath}`;
  const { store, coordination, gateSlots, storeName } = await openHot(
    config,
    await openKv(config.jobs.kvPath),
    options.log,
  );
  const closeStore = async () => {
    await coordination.close();
    await store.close();
  };
  let outboxKv: Deno.Kv | undefined;
  try {
    outboxKv = await openKv(options.outboxPath);
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
      gateSlots,
      bronze,
      names: {
        store: storeName,
        coordination: coordination.kind === "redis" ? `${storeName} (mirror ${jobsName})` : jobsName,
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

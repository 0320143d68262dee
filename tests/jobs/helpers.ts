/**
 * Test helpers for the jobs: an OASIS client on the simulator (no network, no pacing, one attempt), Bronze
 * publishing into memory, an in-memory Deno KV store and coordination on a test clock, poll settings, and
 * the cron ticks of a schedule.
 *
 * @module
 */
import { BronzePublisher } from "../../src/bronze/publisher.ts";
import type { BronzeMessage } from "../../src/bronze/sink.ts";
import { digestRetentionMs } from "../../src/jobs/digest_retention.ts";
import { nextTicks } from "../../src/jobs/schedule.ts";
import type { PollDeps, PollSettings } from "../../src/jobs/poll.ts";
import { OasisClient } from "../../src/oasis/client.ts";
import { DATASETS, DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import { RequestGate } from "../../src/oasis/gate.ts";
import { createSimulator, type Simulator } from "../../simulator/simulator.ts";
import type { Coordination } from "../../src/coordination/coordination.ts";
import { KvCoordination } from "../../src/coordination/kv_coordination.ts";
import { KvStore } from "../../src/store/kv_store.ts";
import { RedisCoordination } from "../../src/coordination/redis_coordination.ts";
import { testRedis } from "../coordination/helpers.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import { deletePrefix, requireRedisUrl } from "../store/helpers.ts";

export const SIM_URL = "http://oasis.test/oasisapi/SingleZip";

/** A simulator frozen at `iso`; `at(t)` moves it. */
export function frozenSimulator(iso: string): Simulator & { at(t: Date): void } {
  const sim = createSimulator({ now: () => new Date(iso) });
  sim.clock.set(new Date(iso), { frozen: true });
  return Object.assign(sim, { at: (t: Date) => sim.clock.set(t, { frozen: true }) });
}

/** `fetch` on `sim`'s handler, following redirects as `fetch` does (PRC_AS answers with one). */
export function simFetch(sim: Pick<Simulator, "handler">): typeof fetch {
  return async (input, init) => {
    let url = String(input);
    for (let hops = 0; hops < 5; hops++) {
      const response = await sim.handler(new Request(url, { signal: init?.signal }));
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) return response;
      url = new URL(location, url).href;
    }
    throw new TypeError("Too many redirects");
  };
}

/** A client asking `sim` through its handler: no pacing, one attempt, in-thread parsing. */
export function simClient(sim: Pick<Simulator, "handler">, maxAttempts = 1): OasisClient {
  return new OasisClient({
    baseUrl: SIM_URL,
    gate: new RequestGate({ minIntervalMs: 0, ratePerMinute: 1_000_000 }),
    fetch: simFetch(sim),
    maxAttempts,
    backoffInitialMs: 0,
    breakerThreshold: 1000,
  });
}

/** Bronze publishing into memory: every committed message in `messages`. */
export function memoryBronze(): { publisher: BronzePublisher; messages: BronzeMessage[] } {
  const messages: BronzeMessage[] = [];
  const publisher = new BronzePublisher({
    outbox: { append: (m) => Promise.resolve(void messages.push(...m)) },
    now: () => new Date("2030-01-01T00:00:00Z"),
  });
  return { publisher, messages };
}

/** A mutable test clock. */
export interface Clock {
  now: Date;
  readonly fn: () => Date;
}

/** A clock starting at `iso`. */
export function testClock(iso: string): Clock {
  const c = { now: new Date(iso), fn: () => c.now };
  return c;
}

/** Store and coordination in one in-memory Deno KV, on `clock`. */
export async function memoryBackends(clock: Clock, env: Record<string, string> = {}) {
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore({ config: loadStoreConfig(env), kv, clock: clock.fn });
  const coordination = new KvCoordination({ kv, clock: clock.fn });
  return { kv, store, coordination, close: () => kv.close() };
}

/** Poll settings: 24 h lookback, no revisions, unless overridden. */
export function settings(overrides: Partial<PollSettings> = {}): PollSettings {
  const s = { lookbackMs: 24 * 3_600_000, revisionMs: 0, lockTtlMs: 600_000, holdMs: 60_000, ...overrides };
  const horizons = { lookbackMs: s.lookbackMs, revisionMs: { lmp_rtm: s.revisionMs }, correctionDays: 0 };
  return { digestTtlMs: digestRetentionMs(horizons), ...s };
}

/** Dependencies of a poll on the simulator and memory backends. */
export function pollDeps(
  sim: Pick<Simulator, "handler">,
  backends: { store: PollDeps["store"]; coordination: PollDeps["coordination"] },
  publisher: BronzePublisher,
  overrides: Partial<PollSettings> = {},
): PollDeps {
  return {
    client: simClient(sim),
    publisher,
    store: backends.store,
    coordination: backends.coordination,
    nodes: { nodes: DEFAULT_NODES },
    settings: settings(overrides),
  };
}

/** The ticks of `dataset`'s default schedule in `(from, to]`. */
export function ticks(dataset: keyof typeof DATASETS, from: string, to: string): Date[] {
  const out: Date[] = [];
  let at = new Date(from);
  const end = Date.parse(to);
  for (;;) {
    const next = nextTicks(DATASETS[dataset].schedule, at, 200);
    for (const t of next) {
      if (t.getTime() > end) return out;
      out.push(t);
    }
    at = next.at(-1)!;
  }
}

/** Keys of messages on the Bronze topics (not dead letters), with how often each came. */
export function keyCounts(messages: readonly BronzeMessage[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of messages) if (!m.topic.endsWith(".dlq")) out.set(m.key, (out.get(m.key) ?? 0) + 1);
  return out;
}

/** Job coordination on the real Redis of `REDIS_URL` under a unique key prefix, deleted by `close()`. */
export async function redisCoordination(): Promise<
  { coordination: Coordination; url: string; prefix: string; close(): Promise<void> }
> {
  const url = requireRedisUrl();
  const prefix = `test:${crypto.randomUUID()}:`;
  const redis = await testRedis(url);
  return {
    coordination: new RedisCoordination({ eval: redis.eval, prefix }),
    url,
    prefix,
    close: async () => {
      await deletePrefix(url, prefix);
      await redis.close();
    },
  };
}

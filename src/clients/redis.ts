/**
 * The Redis client: the one file that imports ioredis. `createRedisClient(settings)` builds the connection
 * the hot store, the job coordination and the gate slots share: it connects in the background, queues
 * nothing while disconnected (a command fails at once and the caller degrades), times commands out after
 * `REDIS_COMMAND_TIMEOUT_MS` and reconnects with exponential backoff and jitter. Loaded only with
 * `REDIS_URL` (`await import`): ioredis and the Node modules it pulls in cost about 27 MB resident.
 *
 * @module
 */
import { type ChainableCommander, Redis } from "ioredis";
import { redactUrl, type RedisSettings } from "../store/settings.ts";

/** A Redis connection (ioredis). */
export type RedisClient = Redis;
/** A MULTI or pipeline being built on a `RedisClient`. */
export type RedisMulti = ChainableCommander;

/** Runs a Lua script with `keys` and `args`: how coordination, gate slots and alert rules reach Redis. */
export type RedisEval = (
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
) => Promise<unknown>;

/** Redis cannot be reached in time (raised only when waiting for it; its users degrade instead). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/** Reconnect delay for attempt `times` (1-based): doubling from `backoffMs` to `backoffMaxMs`, with jitter. */
export function reconnectDelay(times: number, s: RedisSettings, random: () => number = Math.random): number {
  const base = Math.min(s.backoffMaxMs, s.backoffMs * 2 ** Math.min(30, Math.max(0, times - 1)));
  return Math.round(base / 2 + (base / 2) * random());
}

/** A client for `settings.url` (TLS with `rediss:`, its CA from `tlsCaFile`), connecting in the background. */
export function createRedisClient(settings: RedisSettings): RedisClient {
  const tls = new URL(settings.url).protocol === "rediss:";
  const ca = tls && settings.tlsCaFile !== null ? Deno.readTextFileSync(settings.tlsCaFile) : undefined;
  return new Redis(settings.url, {
    tls: tls ? (ca === undefined ? {} : { ca }) : undefined,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.commandTimeoutMs,
    retryStrategy: (times: number) => reconnectDelay(times, settings),
  });
}

/** `RedisEval` on `client`. */
export function redisEval(client: RedisClient): RedisEval {
  return (script, keys, args) => client.eval(script, keys.length, ...keys, ...args);
}

/**
 * Resolves once `client` is ready, within `waitMs`; else throws `StoreUnavailableError` naming `url`
 * (password hidden) and `lastError()`, the client's latest error.
 */
export async function waitForRedis(
  client: Pick<RedisClient, "status" | "once" | "off">,
  options: {
    readonly url: string;
    readonly waitMs: number;
    readonly timeoutMs?: number;
    lastError(): string;
  },
): Promise<void> {
  if (client.status === "ready") return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onReady = () => {};
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      client.once("ready", onReady);
      timer = setTimeout(() => reject(new Error(options.lastError() || "no answer")), options.waitMs);
    });
  } catch (e) {
    throw new StoreUnavailableError(
      `Cannot reach Redis at "${redactUrl(options.url)}" within ${options.timeoutMs ?? options.waitMs} ms: ${
        (e as Error).message
      }`,
      { cause: e },
    );
  } finally {
    clearTimeout(timer);
    client.off("ready", onReady);
  }
}

/** Closes `client`: `QUIT` when connected (falling back to a disconnect), else a disconnect. */
export async function closeRedisClient(
  client: Pick<RedisClient, "status" | "quit" | "disconnect">,
): Promise<void> {
  if (client.status === "ready") await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

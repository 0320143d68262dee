/**
 * Test helpers for coordination on Redis: a client of the real Redis named by `REDIS_URL` (or any URL),
 * with the `eval` function the coordination and the gate slots run their scripts through.
 *
 * @module
 */
import {
  closeRedisClient,
  createRedisClient,
  type RedisClient,
  type RedisEval,
  redisEval,
  waitForRedis,
} from "../../src/clients/redis.ts";
import { testConfig } from "../store/helpers.ts";

/** A Redis client on `url` and its `eval`; `close()` quits it. */
export interface TestRedis {
  readonly client: RedisClient;
  readonly eval: RedisEval;
  close(): Promise<void>;
}

/** A client on `url` (test settings), connected unless `wait` is false. */
export async function testRedis(url: string, wait = true): Promise<TestRedis> {
  const client = createRedisClient(testConfig({ REDIS_URL: url }).redis!);
  let lastError = "";
  client.on("error", (e: Error) => (lastError = e.message));
  if (wait) await waitForRedis(client, { url, waitMs: 10_000, lastError: () => lastError });
  return { client, eval: redisEval(client), close: () => closeRedisClient(client) };
}

/**
 * Reads of the Redis hot store that take more than one command: a zone's whole state for the mirror (one
 * pipeline for several zones) and the list of zones (a `SCAN` over the current-prices hashes).
 *
 * @module
 */
import type { RedisClient } from "../clients/redis.ts";
import type { RedisKeys } from "./keys.ts";
import { decodeCurrent, decodeWithScores } from "./redis_codec.ts";
import type { ZoneSnapshot } from "./store_core.ts";
import { MARKETS } from "./store.ts";

/** The series and current prices of `zones`, read in one pipeline; throws when a reply is an error. */
export async function loadRedisZones(
  client: Pick<RedisClient, "pipeline">,
  keys: RedisKeys,
  zones: readonly string[],
): Promise<Map<string, ZoneSnapshot>> {
  const p = client.pipeline();
  for (const zone of zones) {
    for (const market of MARKETS) p.zrange(keys.series(zone, market), 0, -1, "WITHSCORES");
    p.hgetall(keys.current(zone));
  }
  const replies = await p.exec();
  const out = new Map<string, ZoneSnapshot>();
  zones.forEach((zone, z) => {
    const at = (i: number) => {
      const [err, value] = replies?.[z * 4 + i] ?? [new Error("no reply"), null];
      if (err) throw err;
      return value;
    };
    const [rt, fmm, da] = [0, 1, 2].map((i) => decodeWithScores(at(i) as string[]));
    out.set(zone, {
      series: { RT: rt!, FMM: fmm!, DA: da! },
      current: decodeCurrent(zone, at(3) as Record<string, string>),
    });
  });
  return out;
}

/** Zones that have a current-prices hash under `keys`, sorted. */
export async function scanRedisZones(client: Pick<RedisClient, "scan">, keys: RedisKeys): Promise<string[]> {
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, list] = await client.scan(cursor, "MATCH", keys.currentPattern(), "COUNT", 1000);
    for (const k of list) {
      const zone = keys.zoneIn(k);
      if (zone !== undefined && k === keys.current(zone)) found.add(zone);
    }
    cursor = next;
  } while (cursor !== "0");
  return [...found].sort();
}

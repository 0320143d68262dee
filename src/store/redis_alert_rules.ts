/**
 * The alert rules on Redis: one JSON string at `caiso:alerts:rules`, read and written with Lua on the
 * store's connection (this file imports no client).
 *
 * @module
 */
import type { AlertRule } from "../analytics/alert_rules.ts";
import type { AlertRuleBackend } from "./alert_rule_book.ts";
import type { RedisEval } from "../clients/redis.ts";

const GET = "return redis.call('GET', KEYS[1])";
const SET = "return redis.call('SET', KEYS[1], ARGV[1])";

/** The rules at `key` through `run`. */
export function redisRuleBackend(run: RedisEval, key: string): AlertRuleBackend {
  return {
    async load() {
      const text = await run(GET, [key], []);
      if (typeof text !== "string") return null;
      const rules = JSON.parse(text);
      return Array.isArray(rules) ? rules as AlertRule[] : null;
    },
    save: async (rules) => void await run(SET, [key], [JSON.stringify(rules)]),
  };
}

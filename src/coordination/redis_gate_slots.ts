/**
 * The request gate's shared slots in Redis: one list of the latest reserved starts
 * (`{prefix}caiso:oasis:gate`, epoch ms), read and extended by one Lua script, so every process on the same
 * server reserves in turn. Like `redis_coordination.ts` it runs through an `eval` function on the shared
 * Redis client (`redisEval(client)`). Times are the callers' clocks: processes on several machines need clocks kept
 * in step (NTP); the gate's guard absorbs a skew of a few ms.
 *
 * @module
 */
import { type SharedSlots, SLOT_HORIZON_MS, type SlotRequest } from "../oasis/gate_slots.ts";
import type { RedisEval } from "../clients/redis.ts";

// The rule of `reserveSlot` (src/oasis/gate_slots.ts), on the server.
const RESERVE =
  `local now, gap, rate, horizon = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local raw = redis.call('LRANGE', KEYS[1], 0, -1)
local kept = {}
for _, s in ipairs(raw) do
  local v = tonumber(s)
  if v and v <= now + horizon then kept[#kept + 1] = v end
end
if #kept < #raw then
  redis.call('DEL', KEYS[1])
  for _, v in ipairs(kept) do redis.call('RPUSH', KEYS[1], string.format('%.0f', v)) end
end
local at, n = now, #kept
if n > 0 then at = math.max(at, kept[n] + gap) end
if n >= rate then at = math.max(at, kept[n - rate + 1] + 60000) end
redis.call('RPUSH', KEYS[1], string.format('%.0f', at))
redis.call('LTRIM', KEYS[1], -rate, -1)
redis.call('PEXPIRE', KEYS[1], math.floor(at - now) + 120000)
return string.format('%.0f', at)`;

/** Options of `RedisGateSlots`. */
export interface RedisGateSlotsOptions {
  readonly eval: RedisEval;
  /** Prepended to the key (tests); empty in production. */
  readonly prefix?: string;
}

/** Reserved OASIS request starts in Redis. */
export class RedisGateSlots implements SharedSlots {
  readonly kind = "redis";
  readonly #eval: RedisEval;
  readonly #key: string;

  constructor(options: RedisGateSlotsOptions) {
    this.#eval = options.eval;
    this.#key = `${options.prefix ?? ""}caiso:oasis:gate`;
  }

  async reserve(request: SlotRequest): Promise<number> {
    const at = await this.#eval(RESERVE, [this.#key], [
      Math.round(request.now),
      Math.ceil(request.minIntervalMs),
      request.ratePerMinute,
      SLOT_HORIZON_MS,
    ]);
    return Number(at);
  }
}

/**
 * The alert rules of a store: kept in the backend (one value, so both backends write them atomically),
 * cached for the ingest path, and re-read before each poll and each change so that every instance sharing
 * the backend alerts on the same rules. Until a client changes them the rules are the defaults built from
 * the `ALERT_*` settings; an empty list, once saved, stays empty.
 *
 * @module
 */
import {
  type AlertRule,
  type AlertRuleInput,
  checkAlertRule,
  RULE_LIMITS,
} from "../analytics/alert_rules.ts";

/** A rule change or read that failed; `status` is the HTTP status that says why (400, 409, 503). */
export class AlertRulesError extends Error {
  constructor(readonly status: 400 | 409 | 503, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AlertRulesError";
  }
}

/** Where the rules live: `load()` answers null when no rules were ever saved. */
export interface AlertRuleBackend {
  load(): Promise<readonly AlertRule[] | null>;
  save(rules: readonly AlertRule[]): Promise<void>;
}

/** The rules of one store. */
export class AlertRuleBook {
  readonly #backend: AlertRuleBackend;
  readonly #defaults: readonly AlertRule[];
  #rules: readonly AlertRule[];
  /** Whether the backend has held rules since start. */
  #saved = false;
  #queue: Promise<unknown> = Promise.resolve();

  /** Rules in `backend`, `defaults` until some are saved. */
  constructor(backend: AlertRuleBackend, defaults: readonly AlertRule[]) {
    this.#backend = backend;
    this.#defaults = defaults;
    this.#rules = defaults;
  }

  /** The rules as last read: what a poll is planned with. */
  current(): readonly AlertRule[] {
    return this.#rules;
  }

  /**
   * Reads the rules. A backend that held rules and comes back without any (a Redis restarted without
   * persistence) gets the last known rules written back, rather than silently returning to the defaults.
   */
  async #read(): Promise<readonly AlertRule[]> {
    const loaded = await this.#backend.load();
    if (loaded !== null) {
      this.#saved = true;
      return this.#rules = loaded;
    }
    if (this.#saved) await this.#backend.save(this.#rules);
    return this.#rules;
  }

  /** Re-reads the rules; keeps the cached ones when the backend cannot be read. */
  async refresh(): Promise<readonly AlertRule[]> {
    try {
      return await this.#read();
    } catch {
      return this.#rules; // the backend is down: alert on the rules last read
    }
  }

  /** Every rule, read from the backend (throws 503 when it cannot be read). */
  async list(): Promise<readonly AlertRule[]> {
    try {
      return await this.#read();
    } catch (e) {
      throw new AlertRulesError(503, "Cannot read the alert rules: the store is unreachable", { cause: e });
    }
  }

  #change<T>(fn: (rules: readonly AlertRule[]) => { rules: readonly AlertRule[]; result: T }): Promise<T> {
    const run = this.#queue.then(async () => {
      const { rules, result } = fn(await this.list());
      try {
        await this.#backend.save(rules);
      } catch (e) {
        throw new AlertRulesError(503, "Cannot save the alert rules: the store is unreachable", { cause: e });
      }
      this.#rules = rules;
      this.#saved = true;
      return result;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Adds a rule; 400 when it is out of bounds, 409 when there are already `RULE_LIMITS.maxRules`. */
  add(input: AlertRuleInput): Promise<AlertRule> {
    const problem = checkAlertRule(input);
    if (problem !== null) return Promise.reject(new AlertRulesError(400, `Invalid alert rule: ${problem}`));
    return this.#change((rules) => {
      if (rules.length >= RULE_LIMITS.maxRules) {
        throw new AlertRulesError(
          409,
          `Too many alert rules: at most ${RULE_LIMITS.maxRules}; delete one first`,
        );
      }
      const rule: AlertRule = {
        id: `r-${crypto.randomUUID().slice(0, 8)}`,
        market: input.market,
        zone: input.zone,
        condition: input.condition,
        threshold: input.threshold,
        min_intervals: input.min_intervals,
        hysteresis: input.hysteresis,
      };
      return { rules: [...rules, rule], result: rule };
    });
  }

  /** Removes the rule `id`; false when there is none. */
  remove(id: string): Promise<boolean> {
    return this.#change((rules) => {
      const kept = rules.filter((r) => r.id !== id);
      return { rules: kept.length === rules.length ? rules : kept, result: kept.length !== rules.length };
    });
  }
}

/** The rules on Deno KV, under one key. */
export function kvRuleBackend(kv: Deno.Kv, key: Deno.KvKey): AlertRuleBackend {
  return {
    load: async () => (await kv.get<AlertRule[]>(key)).value,
    save: async (rules) => void await kv.set(key, rules),
  };
}

/**
 * The request gate's shared slots in a Deno KV file: the service and the backfill CLI open the same
 * `JOBS_KV_PATH`, and an atomic check on the entry's versionstamp holds across the processes that share
 * the file, so each reservation sees every earlier one.
 *
 * @module
 */
import { reserveSlot, type SharedSlots, type SlotRequest } from "../oasis/gate_slots.ts";
import { retryWhileLocked } from "./kv_retry.ts";

/** Options of `KvGateSlots`. */
export interface KvGateSlotsOptions {
  readonly kv: Deno.Kv;
  /** Key of the reserved starts (default `["oasis_gate", "starts"]`). */
  readonly key?: Deno.KvKey;
}

/** How long the list outlives its latest slot: past a minute it no longer limits anyone. */
const KEEP_MS = 120_000;

/** Reserved OASIS request starts in one Deno KV entry. */
export class KvGateSlots implements SharedSlots {
  readonly kind = "deno kv";
  readonly #kv: Deno.Kv;
  readonly #key: Deno.KvKey;

  constructor(options: KvGateSlotsOptions) {
    this.#kv = options.kv;
    this.#key = options.key ?? ["oasis_gate", "starts"];
  }

  async reserve(request: SlotRequest): Promise<number> {
    for (;;) {
      const at = await retryWhileLocked(async () => {
        const entry = await this.#kv.get<number[]>(this.#key);
        const { at, starts } = reserveSlot(entry.value ?? [], request);
        const expireIn = Math.max(0, at - request.now) + KEEP_MS;
        const res = await this.#kv.atomic().check(entry).set(this.#key, starts, { expireIn }).commit();
        return res.ok ? at : null;
      });
      if (at !== null) return at;
    }
  }
}

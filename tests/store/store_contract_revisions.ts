/**
 * The revision-log part of the store contract: a replaced price is recorded with its time and the price
 * it replaced, so that the prices known at a past instant can be answered (`as_of`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { pricesAsOf } from "../../src/store/revision_log.ts";
import { NP15, priceRows } from "./helpers.ts";
import { type StoreFactory, withStore } from "./store_contract.ts";

const HOUR = "2025-06-10T16:00:00Z";
const at = (iso: string) => new Date(iso);

/** Registers the revision-log contract tests for the store built by `factory`. */
export function storeRevisionContract(label: string, factory: StoreFactory): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `[${label}] ${name}`, fn, sanitizeOps: false, sanitizeResources: false });

  test("a revised price keeps the first published one for as_of, the series keeps the latest", async () => {
    await withStore(factory, async (store, clock) => {
      // A revision is dated by the store's clock when it is written, not by the (older) start of the run.
      const ingestAt = async (iso: string, prices: number[]) => {
        clock.set(iso);
        await store.ingest(priceRows("lmp_dam", NP15, HOUR, prices), at("2025-06-09T00:00:00Z"));
      };
      await ingestAt("2025-06-09T18:00:00Z", [40, 41]);
      await ingestAt("2025-06-10T18:00:00Z", [50, 41]);
      await ingestAt("2025-06-10T19:00:00Z", [55, 41]);
      const range = { from: at(HOUR), to: at("2025-06-10T17:00:00Z") };
      const latest = (await store.history("np15", "DA", range)).value;
      assert.deepEqual(latest.map((p) => p.price), [55, 41]);
      const revisions = (await store.revisions("np15", "DA", range)).value;
      assert.deepEqual(
        revisions.map((r) => [r.previous_price, r.price, new Date(r.at).toISOString()]).sort(),
        [[40, 50, "2025-06-10T18:00:00.000Z"], [50, 55, "2025-06-10T19:00:00.000Z"]],
      );
      const asOf = (iso: string) => pricesAsOf(latest, revisions, Date.parse(iso)).map((p) => p.price);
      assert.deepEqual(asOf("2025-06-10T12:00:00Z"), [40, 41]);
      assert.deepEqual(asOf("2025-06-10T18:30:00Z"), [50, 41]);
      assert.deepEqual(asOf("2025-06-10T20:00:00Z"), [55, 41]);
      // Another zone's and market's logs are apart.
      assert.deepEqual((await store.revisions("np15", "RT", range)).value, []);
    });
  });
}

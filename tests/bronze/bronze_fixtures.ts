/**
 * Shared test fixtures for the Bronze tests: the parsed trading-hub excerpt as a fetch result, and a fake
 * sink that records what it was sent and can be told to fail.
 *
 * @module
 */
import { parseFile } from "../../src/oasis/parse.ts";
import type { OasisRow } from "../../src/oasis/row.ts";
import type { PublishInput } from "../../src/bronze/publisher.ts";
import type { BronzeMessage, BronzeSink } from "../../src/bronze/sink.ts";

const EXCERPT = "excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv";

/** The URL a SingleZip request for the excerpt's window would have used. */
export const EXCERPT_URL = "https://oasis.caiso.com/oasisapi/SingleZip?resultformat=6&queryname=PRC_LMP" +
  "&version=1&market_run_id=DAM&startdatetime=20200102T00:00-0000&enddatetime=20200103T00:00-0000" +
  "&grp_type=ALL_APNODES";

/** The 288 trading-hub rows of 2020-01-02 as a fetch result. */
export function excerptFetch(): PublishInput & { result: { kind: "rows"; rows: OasisRow[] } } {
  const bytes = Deno.readFileSync(new URL(`../fixtures/oasis-samples/${EXCERPT}`, import.meta.url));
  const result = parseFile(bytes, EXCERPT);
  if (result.kind !== "rows") throw new Error(`Fixture ${EXCERPT} did not parse to rows`);
  return { result, url: EXCERPT_URL, finalUrl: EXCERPT_URL, fetchedAt: "2020-07-01T00:00:00.000Z" };
}

/** A sink that keeps what it receives; `failNext` makes the next sends reject. */
export class FakeSink implements BronzeSink {
  readonly kind = "test" as const;
  readonly sent: BronzeMessage[][] = [];
  readonly topics: string[] = [];
  failNext = 0;
  closed = false;
  /** When set, `send` waits for it before answering. */
  gate?: Promise<void>;

  ensureTopics(topics: readonly string[]): Promise<void> {
    this.topics.push(...topics);
    return Promise.resolve();
  }

  async send(messages: readonly BronzeMessage[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("broker unavailable");
    }
    this.sent.push([...messages]);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Every message received, in order. */
  get all(): BronzeMessage[] {
    return this.sent.flat();
  }
}

/** `n` small messages `k0…k(n-1)` on topic `t`. */
export function messages(n: number, topic = "t", from = 0): BronzeMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    topic,
    key: `k${from + i}`,
    value: JSON.stringify({ i: from + i }),
    headers: { "content-type": "application/json" },
  }));
}

/** Runs `fn` on an in-memory Deno KV and closes it. */
export async function withKv(fn: (kv: Deno.Kv) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

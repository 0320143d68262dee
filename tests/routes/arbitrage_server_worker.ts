/**
 * The arbitrage server of `arbitrage_server.ts` in a worker, posting its URL: a test can then time out on
 * a server whose thread is stuck (the test's own thread would be stuck with it otherwise).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { startArbitrageServer } from "./arbitrage_server.ts";

const s = await startArbitrageServer({ deadlineMs: 30_000 });
self.postMessage(s.server.url);

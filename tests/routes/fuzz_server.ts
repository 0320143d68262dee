/**
 * The live edge of the tests (`startEdge`: a day of prices on a test clock, with the arbitrage and gaps
 * routes, summaries in a worker as `main.ts` computes them), served with `Deno.serve` on a free loopback
 * port. Run as a child process by `openapi_property_test.ts`, so that a request freezing this process's
 * event loop is seen from outside (and the child killed) rather than freezing the test. Prints
 * `{"port": N}` on stdout once it listens.
 *
 * @module
 */
import { WorkerSummarizer } from "../../routes/worker_summarizer.ts";
import { startEdge } from "./helpers.ts";

const summaries = new WorkerSummarizer();
const t = await startEdge({
  serviceRoutes: true,
  summary: { compute: (input) => summaries.summarize(input) },
});
const server = Deno.serve(
  { port: 0, hostname: "127.0.0.1", onListen: ({ port }) => console.log(JSON.stringify({ port })) },
  t.edge.app.fetch,
);
Deno.addSignalListener("SIGTERM", async () => {
  await t.close();
  summaries.close();
  await server.shutdown();
  Deno.exit(0);
});

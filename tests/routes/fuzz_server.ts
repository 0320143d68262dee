/**
 * The live edge of the tests (`startEdge`: a day of prices on a test clock, with the arbitrage and gaps
 * routes, every arbitrage computation in the analytics worker with its deadline, as `main.ts` wires it),
 * served with `Deno.serve` on a free loopback port. Run as a child process by `openapi_property_test.ts`, so
 * that a request freezing this process's event loop is seen from outside (and the child killed) rather than
 * freezing the test. Prints `{"port": N, "computeMs": M}` on stdout once it listens (M: one arbitrage
 * computation timed before listening).
 *
 * @module
 */
import { AnalyticsPool } from "../../src/analytics/analytics_pool.ts";
import { startEdge } from "./helpers.ts";

let computeMs = 0;
const analytics = new AnalyticsPool({ deadlineMs: 10_000 });
const t = await startEdge({ serviceRoutes: true, analytics });
// One computation before listening loads the analytics worker's modules, as a running service has long done
// before its first client; a second one, timed, is this machine's reference for what a computation costs
// now (the test scales its request bound by it: the bound catches a hang, not a slow machine).
for (const query of ["cycles=2", "cycles=3"]) {
  const started = performance.now();
  await (await t.edge.app.request(`/api/arbitrage?zone=sp15&${query}`)).body?.cancel();
  computeMs = Math.round(performance.now() - started);
}
const server = Deno.serve(
  {
    port: 0,
    hostname: "127.0.0.1",
    onListen: ({ port }) => console.log(JSON.stringify({ port, computeMs })),
  },
  t.edge.app.fetch,
);
Deno.addSignalListener("SIGTERM", async () => {
  analytics.close();
  await t.close();
  await server.shutdown();
  Deno.exit(0);
});

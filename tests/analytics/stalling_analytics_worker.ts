/**
 * An analytics worker for tests: the real one (`src/analytics/analytics_worker.ts`), except that a job whose battery
 * has a degradation cost of exactly 777 $/MWh spins for ever, the way a degenerate input once did.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import "../../src/analytics/analytics_worker.ts";

const real = self.onmessage!;
self.onmessage = (event: MessageEvent) => {
  if (event.data.job.battery?.degradation === 777) { for (;;) { /* never answers */ } }
  real.call(self, event);
};

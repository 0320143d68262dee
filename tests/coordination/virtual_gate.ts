/**
 * Helpers for request gates on one virtual clock (`FakeTimers.createClock`): the gate's clock on it, and
 * shared slots that count reservations in flight (real I/O the virtual clock must not run ahead of).
 *
 * @module
 */
import type FakeTimers from "@sinonjs/fake-timers";
import type { GateClock, SharedSlots } from "../../src/oasis/gate.ts";

/** A virtual clock from `FakeTimers.createClock`. */
export type VirtualClock = ReturnType<typeof FakeTimers.createClock>;

/** Wraps `slots`, counting reservations in flight. */
export function tracked(slots: SharedSlots): SharedSlots & { inFlight: number } {
  const t = {
    kind: slots.kind,
    inFlight: 0,
    async reserve(request: Parameters<SharedSlots["reserve"]>[0]) {
      t.inFlight++;
      try {
        return await slots.reserve(request);
      } finally {
        t.inFlight--;
      }
    },
  };
  return t;
}

/** The gate's clock on `clock`. */
export function gateClock(clock: VirtualClock): GateClock {
  return {
    now: () => clock.now,
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (handle) => clock.clearTimeout(handle as FakeTimers.TimerId),
  };
}

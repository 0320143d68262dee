/** Fake time for the gate tests: `setTimeout`, `clearTimeout` and `Date` from 0, uninstalled afterwards. */
import FakeTimers from "@sinonjs/fake-timers";

/** The installed fake clock. */
export type Clock = ReturnType<typeof FakeTimers.install>;

/** Runs `fn` with a fake clock starting at 0. */
export async function withClock(fn: (clock: Clock) => Promise<void>): Promise<void> {
  const clock = FakeTimers.install({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    await fn(clock);
  } finally {
    clock.uninstall();
  }
}

/**
 * The resilience policies of the OASIS client, built from cockatiel: retries with exponential backoff
 * and jitter (never less than 5 s after a throttle), a circuit breaker over retryable failures, and a
 * per-attempt timeout that aborts the request's signal. The one import of cockatiel: other retry users
 * (alert webhooks) take its primitives from here.
 *
 * @module
 */
import {
  BrokenCircuitError,
  circuitBreaker,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  halfJitterGenerator,
  handleWhen,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  IsolatedCircuitError,
  retry,
  type RetryPolicy,
  timeout,
  type TimeoutPolicy,
  TimeoutStrategy,
} from "cockatiel";
import { OasisRequestError } from "./errors.ts";

export { ExponentialBackoff, handleWhen, retry, type RetryPolicy };

/** Circuit breaker state, as reported by `/health`. */
export type BreakerState = "closed" | "open" | "half-open";

/** CAISO's 429 page says "Please retry your request after 5 seconds". */
export const THROTTLE_WAIT_MS = 5000;

type RetryContext = IRetryBackoffContext<unknown>;

/** Whether `error` is a failure the same request may overcome by being sent again. */
export function isRetryableFailure(error: unknown): error is OasisRequestError {
  return error instanceof OasisRequestError && error.retryable && error.kind !== "breaker";
}

function isThrottle(context: RetryContext): boolean {
  const reason = context.result;
  return "error" in reason && reason.error instanceof OasisRequestError && reason.error.status === 429;
}

/** Raises a backoff's delay to `floorMs` after a throttle answer, keeping the sequence it came from. */
function withThrottleFloor(inner: IBackoff<RetryContext>, context: RetryContext): IBackoff<RetryContext> {
  return {
    duration: isThrottle(context) ? Math.max(inner.duration, THROTTLE_WAIT_MS) : inner.duration,
    next: (next) => withThrottleFloor(inner.next(next), next),
  };
}

/**
 * Exponential backoff with jitter: the n-th retry waits between `initialMs·2ⁿ⁻¹` and `initialMs·2ⁿ`
 * (capped at `maxMs`, and never under 5 s after HTTP 429).
 */
export function createBackoff(initialMs: number, maxMs: number): IBackoffFactory<RetryContext> {
  // halfJitter draws from [d/2, d), so starting from 2·initial keeps every first retry at >= initial.
  const exponential = new ExponentialBackoff({
    generator: halfJitterGenerator,
    initialDelay: 2 * initialMs,
    maxDelay: Math.max(maxMs, initialMs),
  });
  return { next: (context) => withThrottleFloor(exponential.next(), context) };
}

/** Options for `createFetchPolicies`. */
export interface FetchPolicyOptions {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** First backoff, in ms. */
  backoffInitialMs: number;
  /** Longest backoff, in ms. */
  backoffMaxMs: number;
  /** Consecutive retryable failures that open the breaker. */
  breakerThreshold: number;
  /** Time the breaker stays open before letting one probe through, in ms. */
  breakerHalfOpenMs: number;
  /** Timeout of one attempt, in ms. */
  timeoutMs: number;
}

/** The three policies: `retry` around `breaker` around each attempt, `timeout` around its fetch. */
export interface FetchPolicies {
  /** Retries retryable failures with backoff. */
  retry: RetryPolicy;
  /** Opens after sustained retryable failures; fails fast while open. */
  breaker: CircuitBreakerPolicy;
  /** Aborts the signal it passes on after the timeout (cooperative: the fetch must honour it). */
  timeout: TimeoutPolicy;
}

/** Builds the retry, breaker and timeout policies of one client. */
export function createFetchPolicies(options: FetchPolicyOptions): FetchPolicies {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(`Invalid maxAttempts "${options.maxAttempts}": expected an integer >= 1`);
  }
  if (!Number.isInteger(options.breakerThreshold) || options.breakerThreshold < 1) {
    throw new RangeError(`Invalid breakerThreshold "${options.breakerThreshold}": expected an integer >= 1`);
  }
  for (const key of ["backoffInitialMs", "backoffMaxMs", "breakerHalfOpenMs"] as const) {
    if (!(options[key] >= 0)) {
      throw new RangeError(`Invalid ${key} "${options[key]}": expected a number >= 0`);
    }
  }
  if (!(options.timeoutMs > 0)) {
    throw new RangeError(`Invalid timeoutMs "${options.timeoutMs}": expected a number > 0`);
  }
  return {
    // cockatiel counts retries, not attempts.
    retry: retry(handleWhen(isRetryableFailure), {
      maxAttempts: options.maxAttempts - 1,
      backoff: createBackoff(options.backoffInitialMs, options.backoffMaxMs),
    }),
    // Only failures that say something about OASIS's health count: a 1001 or a 404 is our own mistake.
    breaker: circuitBreaker(handleWhen(isRetryableFailure), {
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
      halfOpenAfter: options.breakerHalfOpenMs,
    }),
    timeout: timeout(options.timeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false }),
  };
}

/** Maps cockatiel's circuit state to the service's names (a manually isolated circuit counts as open). */
export function breakerStateOf(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half-open";
  return "open";
}

/** Whether `error` is the breaker refusing a call: open after failures, or isolated by hand. */
export function isBreakerRejection(error: unknown): boolean {
  return error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError;
}

/** Rejects with `signal.reason` as soon as `signal` aborts, even while cockatiel sleeps between retries. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The one loop over request windows that the scheduled poll, the backfill, the price-correction run and
 * the library connector share: windows are taken in order, the abort signal is checked before each and
 * ends the loop with its reason, each window is fetched through the shared client (request gate, retries,
 * breaker) and, when the caller delivers, handed to `deliverWindow`; a window that fails after the
 * client's retries is described by `requestFailure()` and collected, and the loop goes on. Callers count
 * and report progress in `onAnswer` / `onFailure`; a throw from either ends the loop with that error.
 *
 * @module
 */
import type { FetchResult, OasisClient } from "../oasis/client.ts";
import { requestFailure } from "../oasis/errors.ts";
import type { RequestWindow } from "../oasis/windows.ts";
import { type Delivered, type DeliverOptions, deliverWindow, type DeliveryDeps } from "./deliver.ts";

/** A window that failed after the client's retries, or whose delivery failed. */
export interface WindowFailure {
  /** The request window. */
  readonly window: RequestWindow;
  /** Requested URL, when known. */
  readonly url: string;
  /** Why it failed. */
  readonly message: string;
  /** OASIS error code, when OASIS answered with an error document. */
  readonly code?: number;
}

/** Options of `eachWindow`. */
export interface EachWindowOptions<T> {
  /** Aborts the loop before the next window (and the request under way). */
  readonly signal?: AbortSignal;
  /** Windows passed over without work (checked before the abort signal), e.g. checkpointed ones. */
  readonly skip?: (window: RequestWindow) => boolean;
  /** Called with each window's result; a throw ends the loop. */
  readonly onDone?: (window: RequestWindow, result: T) => void | Promise<void>;
  /** Called with each failed window and its error (a `DeliveryError` says what reached Bronze). */
  readonly onFailure?: (failure: WindowFailure, error: unknown) => void | Promise<void>;
}

/**
 * Runs `work` on each of `windows` in order and returns the windows that failed. Throws only with the
 * abort reason of `options.signal` or an error thrown by a callback.
 */
export async function eachWindow<T>(
  windows: Iterable<RequestWindow>,
  work: (window: RequestWindow) => Promise<T>,
  options: EachWindowOptions<T> = {},
): Promise<WindowFailure[]> {
  const failures: WindowFailure[] = [];
  for (const window of windows) {
    if (options.skip?.(window)) continue;
    options.signal?.throwIfAborted();
    let result: T;
    try {
      result = await work(window);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const failure = { window, ...requestFailure(error) };
      failures.push(failure);
      await options.onFailure?.(failure, error);
      continue;
    }
    await options.onDone?.(window, result);
  }
  return failures;
}

/** One answered window. */
export interface WindowAnswer {
  /** The request window. */
  readonly window: RequestWindow;
  /** The parsed answer with its provenance. */
  readonly fetch: FetchResult;
  /** What delivering it did; absent when the loop only fetches. */
  readonly delivered?: Delivered;
}

/** Options of `fetchWindows`. */
export interface FetchWindowsOptions {
  /** The shared OASIS client. */
  readonly client: Pick<OasisClient, "fetchWindow">;
  readonly signal?: AbortSignal;
  /** Requests wait behind every live poll's in the gate (backfills, price corrections). */
  readonly background?: boolean;
  /** Where each answer goes (Bronze and the store); absent: answers are only fetched. */
  readonly delivery?: { readonly deps: DeliveryDeps; readonly options: DeliverOptions };
  /** Called with each answer, once delivered. */
  readonly onAnswer?: (answer: WindowAnswer) => void | Promise<void>;
  /** Called with each failed window and its error (a `DeliveryError` says what reached Bronze). */
  readonly onFailure?: (failure: WindowFailure, error: unknown) => void | Promise<void>;
}

/** Fetches (and delivers) each of `windows` through `eachWindow`; returns the windows that failed. */
export function fetchWindows(
  windows: Iterable<RequestWindow>,
  options: FetchWindowsOptions,
): Promise<WindowFailure[]> {
  const { client, signal, delivery } = options;
  const fetchOptions = { background: options.background ?? false };
  return eachWindow(windows, async (window): Promise<WindowAnswer> => {
    const fetch = await client.fetchWindow(window, signal, fetchOptions);
    if (delivery === undefined) return { window, fetch };
    return { window, fetch, delivered: await deliverWindow(window, fetch, delivery.deps, delivery.options) };
  }, { signal, onDone: (_, answer) => options.onAnswer?.(answer), onFailure: options.onFailure });
}

/** A client that answers each window with the answer recorded for it. */
function replayClient(
  answers: Iterable<{ readonly window: RequestWindow; readonly fetch: FetchResult }>,
): Pick<OasisClient, "fetchWindow"> {
  const recorded = new Map<RequestWindow, FetchResult[]>();
  for (const a of answers) recorded.set(a.window, [...recorded.get(a.window) ?? [], a.fetch]);
  return {
    fetchWindow: (window) => {
      const fetch = recorded.get(window)?.shift();
      return fetch ? Promise.resolve(fetch) : Promise.reject(new Error("No answer recorded for the window"));
    },
  };
}

/**
 * Delivers answers fetched earlier (what the library's `extract()` returned) through the same loop,
 * replaying each; returns the rows committed. Throws at the first window whose delivery fails.
 */
export async function deliverAnswers(
  answers: readonly { readonly window: RequestWindow; readonly fetch: FetchResult }[],
  delivery: NonNullable<FetchWindowsOptions["delivery"]>,
): Promise<number> {
  let published = 0;
  await fetchWindows(answers.map((a) => a.window), {
    client: replayClient(answers),
    delivery,
    onAnswer: ({ delivered }) => void (published += delivered!.published),
    onFailure: (_, error) => {
      throw error;
    },
  });
  return published;
}

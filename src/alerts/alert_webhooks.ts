/**
 * Alert webhooks: each alert this process raises is POSTed as JSON to every `ALERT_WEBHOOK_URLS` entry,
 * signed (`webhook_signature.ts`). Delivery never blocks ingestion: `send()` only appends to a bounded
 * queue per URL (the oldest is dropped past `ALERT_WEBHOOK_QUEUE`); one loop per URL posts in order,
 * retrying with exponential backoff (cockatiel) on a network error, a timeout, a 5xx, 408 or 429. Every
 * outcome is counted: `delivered`, `retried` (one per retry), `failed` (given up), `dropped`.
 *
 * @module
 */
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from "../oasis/fetch_policy.ts";
import type { AlertEvent } from "../analytics/alerts.ts";
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from "./webhook_signature.ts";
import type { WebhookConfig } from "./webhook_settings.ts";

/** What happened to a delivery (the `outcome` label of `alert_webhook_deliveries_total`). */
export type WebhookOutcome = "delivered" | "retried" | "failed" | "dropped";

/** The outcomes, a closed set. */
export const WEBHOOK_OUTCOMES: readonly WebhookOutcome[] = ["delivered", "retried", "failed", "dropped"];

/** Options of `AlertWebhooks`. */
export interface AlertWebhooksOptions {
  readonly config: WebhookConfig;
  /** Counts each outcome. */
  readonly count: (outcome: WebhookOutcome) => void;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** First and longest delay between attempts, ms (default 1 s to 60 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Reports a delivery given up. */
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
}

class DeliveryError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** The webhook deliveries of one process. */
export class AlertWebhooks {
  readonly #options: AlertWebhooksOptions;
  readonly #fetch: typeof fetch;
  readonly #policy: RetryPolicy;
  readonly #queues = new Map<string, AlertEvent[]>();
  readonly #loops = new Map<string, Promise<void>>();
  readonly #closing = new AbortController();

  /** Deliveries to `options.config.urls`. */
  constructor(options: AlertWebhooksOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    const backoff = options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    this.#policy = retry(handleWhen((e) => !(e instanceof DeliveryError) || e.retryable), {
      maxAttempts: options.config.maxAttempts - 1, // cockatiel counts retries
      backoff: new ExponentialBackoff({ initialDelay: backoff.initialMs, maxDelay: backoff.maxMs }),
    });
    this.#policy.onRetry(() => options.count("retried"));
    for (const url of options.config.urls) this.#queues.set(url, []);
  }

  /** Deliveries waiting, over every URL. */
  get pending(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  /** Queues `alert` for every URL and returns at once. */
  send(alert: AlertEvent): void {
    if (this.#closing.signal.aborted) return;
    for (const [url, queue] of this.#queues) {
      queue.push(alert);
      if (queue.length > this.#options.config.maxPending) {
        queue.shift();
        this.#options.count("dropped");
      }
      if (!this.#loops.has(url)) {
        this.#loops.set(url, this.#drain(url, queue).finally(() => this.#loops.delete(url)));
      }
    }
  }

  async #drain(url: string, queue: AlertEvent[]): Promise<void> {
    while (queue.length > 0 && !this.#closing.signal.aborted) {
      const alert = queue.shift()!;
      const body = JSON.stringify(alert);
      try {
        await this.#policy.execute(({ signal }) => this.#post(url, body, signal), this.#closing.signal);
        this.#options.count("delivered");
      } catch (e) {
        this.#options.count("failed");
        // A webhook URL often carries its own secret in the path: log the origin only.
        const origin = new URL(url).origin;
        const error = String((e as Error).message).replaceAll(url, origin);
        this.#options.log?.("alert webhook delivery failed", { alert: alert.id, url: origin, error });
      }
    }
  }

  async #post(url: string, body: string, signal: AbortSignal): Promise<void> {
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await this.#fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: await signWebhook(this.#options.config.secret, timestamp, body),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.#options.config.timeoutMs)]),
    });
    await res.body?.cancel();
    if (res.status < 200 || res.status > 299) {
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      throw new DeliveryError(`The webhook answered ${res.status}`, retryable);
    }
  }

  /** Stops delivering: waiting deliveries are abandoned, one in flight is aborted. */
  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.allSettled([...this.#loops.values()]);
  }
}

/** What `startAlertWebhooks` wires. */
export interface StartWebhooksDeps {
  readonly config: WebhookConfig;
  readonly store: { onOwnAlert(listener: (alert: AlertEvent) => void): () => void };
  readonly metrics: { webhookDelivery(outcome: WebhookOutcome): void };
  readonly log?: AlertWebhooksOptions["log"];
  readonly fetch?: typeof fetch;
  readonly backoff?: AlertWebhooksOptions["backoff"];
}

/** Delivers the alerts of this process's polls to the configured URLs; null when none is configured. */
export function startAlertWebhooks(deps: StartWebhooksDeps): { close(): Promise<void> } | null {
  if (deps.config.urls.length === 0) return null;
  const webhooks = new AlertWebhooks({
    config: deps.config,
    count: (outcome) => deps.metrics.webhookDelivery(outcome),
    fetch: deps.fetch,
    backoff: deps.backoff,
    log: deps.log,
  });
  const stop = deps.store.onOwnAlert((alert) => webhooks.send(alert));
  return {
    async close() {
      stop();
      await webhooks.close();
    },
  };
}

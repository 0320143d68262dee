/**
 * Price alerts raised or cleared, and what became of their webhook deliveries.
 *
 * @module
 */
import { Counter, type Registry } from "./_prom.ts";
import { WEBHOOK_OUTCOMES, type WebhookOutcome } from "../alerts/alert_webhooks.ts";
import type { AlertEvent } from "../analytics/alerts.ts";

/** The alert metrics, registered on `registers`; every webhook outcome starts at 0. */
export class AlertMetrics {
  readonly #alerts: Counter<"kind" | "event">;
  readonly #webhooks: Counter<"outcome">;

  /** Registers the alert metrics. */
  constructor(registers: Registry[]) {
    this.#alerts = new Counter({
      name: "alerts_total",
      help: "Price alerts raised or cleared, by kind and event",
      labelNames: ["kind", "event"],
      registers,
    });
    this.#webhooks = new Counter({
      name: "alert_webhook_deliveries_total",
      help: "Alert webhook deliveries by outcome: delivered, retried (one per retry), failed (given up), " +
        "dropped (queue full)",
      labelNames: ["outcome"],
      registers,
    });
    for (const outcome of WEBHOOK_OUTCOMES) this.#webhooks.inc({ outcome }, 0);
  }

  /** Counts one alert event. */
  alert(alert: Pick<AlertEvent, "kind" | "event">): void {
    this.#alerts.inc({ kind: alert.kind, event: alert.event });
  }

  /** Counts one alert webhook delivery outcome. */
  webhookDelivery(outcome: WebhookOutcome): void {
    this.#webhooks.inc({ outcome });
  }
}

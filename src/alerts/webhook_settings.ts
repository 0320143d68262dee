/**
 * Settings of the alert webhooks: `WEBHOOK_SETTINGS` documents each variable (listed in `config.ts`'s
 * table) and `loadWebhookConfig` validates them once, naming the variable of a bad value.
 *
 * @module
 */
import { ConfigError, type Env, type SettingDoc, settingReader } from "../settings.ts";

/** Every webhook variable with its default. */
export const WEBHOOK_SETTINGS: readonly SettingDoc[] = [
  {
    name: "ALERT_WEBHOOK_URLS",
    default: "",
    description:
      "Comma-separated http(s) URLs that receive each alert as a signed JSON POST (at most 10; empty: none)",
  },
  {
    name: "ALERT_WEBHOOK_SECRET",
    default: "",
    description:
      "HMAC-SHA256 key of the X-Oasis-Signature header (at least 16 characters; required with ALERT_WEBHOOK_URLS)",
  },
  {
    name: "ALERT_WEBHOOK_MAX_ATTEMPTS",
    default: "5",
    description: "Attempts per alert and URL, the first included, with exponential backoff between them",
  },
  {
    name: "ALERT_WEBHOOK_TIMEOUT_MS",
    default: "5000",
    description: "A webhook POST without an answer after this fails (and is retried)",
  },
  {
    name: "ALERT_WEBHOOK_QUEUE",
    default: "1000",
    description: "Most deliveries waiting per URL; past it the oldest is dropped (counted)",
  },
];

/** The resolved webhook settings. */
export interface WebhookConfig {
  /** Receivers; empty when webhooks are off. */
  readonly urls: readonly string[];
  /** The HMAC key (empty when webhooks are off). */
  readonly secret: string;
  /** Attempts per alert and URL, the first included. */
  readonly maxAttempts: number;
  /** Timeout of one POST, ms. */
  readonly timeoutMs: number;
  /** Most deliveries waiting per URL. */
  readonly maxPending: number;
}

const MAX_URLS = 10;
const { value, number } = settingReader(WEBHOOK_SETTINGS);

function urls(env: Env): string[] {
  const list = value(env, "ALERT_WEBHOOK_URLS").split(",").map((u) => u.trim()).filter((u) => u !== "");
  if (list.length > MAX_URLS) {
    throw new ConfigError("ALERT_WEBHOOK_URLS", `${list.length} URLs; at most ${MAX_URLS}`);
  }
  for (const text of list) {
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      // reported below
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new ConfigError("ALERT_WEBHOOK_URLS", `"${text}" is not an http(s) URL`);
    }
  }
  return [...new Set(list)];
}

/** Reads and validates the webhook settings. */
export function loadWebhookConfig(env: Env): WebhookConfig {
  const list = urls(env);
  const secret = value(env, "ALERT_WEBHOOK_SECRET");
  if (list.length > 0 && secret.length < 16) {
    throw new ConfigError(
      "ALERT_WEBHOOK_SECRET",
      `is ${secret.length} characters; webhooks are signed: set at least 16`,
    );
  }
  return {
    urls: list,
    secret,
    maxAttempts: number(env, "ALERT_WEBHOOK_MAX_ATTEMPTS", 1, 20),
    timeoutMs: number(env, "ALERT_WEBHOOK_TIMEOUT_MS", 100, 120_000),
    maxPending: number(env, "ALERT_WEBHOOK_QUEUE", 1, 100_000),
  };
}

/**
 * `http_requests_total`, with labels kept to closed sets so no client can add a series.
 *
 * @module
 */
import { Counter, type Registry } from "./_prom.ts";

/** The `method` label values of `http_requests_total`; any other method is counted as `other`. */
export const HTTP_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "CONNECT",
  "TRACE",
]);

/** The HTTP request counter, registered on `registers`. */
export class HttpMetrics {
  readonly #requests: Counter<"method" | "route" | "status">;

  /** Registers `http_requests_total`. */
  constructor(registers: Registry[]) {
    this.#requests = new Counter({
      name: "http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      registers,
    });
  }

  /**
   * Counts one HTTP response. `route` must be a registered route pattern or `unmatched`; a method outside
   * `HTTP_METHODS` and a status outside 100–599 are counted as `other`.
   */
  request(method: string, route: string, status: number): void {
    const m = HTTP_METHODS.has(method) ? method : "other";
    const s = Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "other";
    this.#requests.inc({ method: m, route, status: s });
  }
}

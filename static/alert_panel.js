// The alerts panel: the feed of every zone in time order with filters (zone, market, kind), an opt-in
// browser notification for each alert raised, and the alert rules (listed, added, deleted through
// /api/alerts/rules). Self-contained: it builds its controls around the #alerts list it is given.
import { renderAlerts } from "./feeds.js";

const MAX_ALERTS = 200;
const NOTIFY_KEY = "oasis-stream-notify";

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function select(name, label, options) {
  const s = el("select", { name, "aria-label": label });
  for (const [value, text] of options) s.append(el("option", { value }, text));
  return s;
}

const field = (label, control) => {
  const l = el("label", {}, `${label} `);
  l.append(control);
  return l;
};

function describe(rule) {
  const where = `${rule.zone === "*" ? "any zone" : rule.zone.toUpperCase()} · ${
    rule.market === "any" ? "RT/FMM" : rule.market
  }`;
  const what = rule.condition === "spread"
    ? `|RT − DA| > ${rule.threshold}`
    : `${rule.condition} ${rule.threshold}`;
  const extra = [
    rule.min_intervals > 1 ? `for ${rule.min_intervals} intervals` : "",
    rule.hysteresis > 0 ? `hysteresis ${rule.hysteresis}` : "",
  ].filter(Boolean).join(", ");
  return `${where}: ${what} $/MWh${extra ? ` (${extra})` : ""}`;
}

/** The alerts panel around the `<ul>` `list`; `token` is the API token, if any. */
export class AlertPanel {
  #list;
  #token;
  #alerts = [];
  #filters;
  #notify;
  #rules;
  #form;
  #status;

  constructor(list, token) {
    this.#list = list;
    this.#token = token;
    this.#filters = el("div", { class: "alert-filters", role: "group", "aria-label": "Alert filters" });
    const zone = select("zone", "Zone", [["", "All zones"]]);
    const market = select("market", "Market", [["", "RT + FMM"], ["RT", "RT"], ["FMM", "FMM"]]);
    const kind = select("kind", "Kind", [["", "All kinds"], ["high", "High"], ["negative", "Negative"], [
      "spread",
      "Spread",
    ]]);
    this.#notify = el("input", { type: "checkbox", name: "notify" });
    this.#notify.checked = localStorage.getItem(NOTIFY_KEY) === "on" &&
      globalThis.Notification?.permission === "granted";
    this.#filters.append(zone, market, kind, field("Notify me", this.#notify));
    for (const s of [zone, market, kind]) s.addEventListener("change", () => this.#render());
    this.#notify.addEventListener("change", () => void this.#toggleNotify());

    const details = el("details", { class: "alert-rules" });
    details.append(el("summary", {}, "Alert rules"));
    this.#rules = el("ul", { class: "rule-list" });
    this.#form = this.#buildForm();
    this.#status = el("p", { class: "rule-status muted", role: "status" });
    details.append(this.#rules, this.#form, this.#status);
    details.addEventListener("toggle", () => details.open && void this.loadRules());
    list.before(this.#filters);
    list.after(details);
  }

  #buildForm() {
    const form = el("form", { class: "rule-form" });
    form.append(
      field("Market", select("market", "Rule market", [["any", "RT + FMM"], ["RT", "RT"], ["FMM", "FMM"]])),
      field("Zone", select("zone", "Rule zone", [["*", "Any zone"]])),
      field(
        "When",
        select("condition", "Condition", [["below", "price below"], ["above", "price above"], [
          "spread",
          "|RT − DA| above",
        ]]),
      ),
      field(
        "$/MWh",
        el("input", {
          name: "threshold",
          type: "number",
          step: "any",
          required: "",
          min: "-100000",
          max: "100000",
          value: "0",
        }),
      ),
      field(
        "for intervals",
        el("input", { name: "min_intervals", type: "number", min: "1", max: "288", step: "1", value: "1" }),
      ),
      field(
        "hysteresis",
        el("input", { name: "hysteresis", type: "number", min: "0", max: "100000", step: "any", value: "0" }),
      ),
      el("button", { type: "submit" }, "Add rule"),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.#add(new FormData(form));
    });
    return form;
  }

  /** Offers `zones` in the filter and the rule form. */
  setZones(zones) {
    for (
      const [s, first] of [[this.#filters.querySelector("select[name=zone]"), ["", "All zones"]], [
        this.#form.querySelector("select[name=zone]"),
        ["*", "Any zone"],
      ]]
    ) {
      const chosen = s.value;
      s.replaceChildren(
        el("option", { value: first[0] }, first[1]),
        ...zones.map((z) => el("option", { value: z }, z.toUpperCase())),
      );
      s.value = zones.includes(chosen) ? chosen : first[0];
    }
  }

  /** Replaces the alerts (a snapshot). */
  setAlerts(alerts) {
    this.#alerts = [...alerts];
    this.#render();
  }

  /** Adds one live alert (and notifies, when asked to and it is raised). */
  add(alert) {
    this.#alerts = [alert, ...this.#alerts.filter((a) => a.id !== alert.id)].slice(0, MAX_ALERTS);
    this.#render();
    if (
      this.#notify.checked && alert.event === "raised" && this.#passes(alert) &&
      globalThis.Notification?.permission === "granted"
    ) {
      new Notification(`${alert.zone.toUpperCase()} ${alert.market} ${alert.kind} alert`, {
        body: alert.message,
        tag: alert.id,
      });
    }
  }

  #passes(a) {
    const v = (name) => this.#filters.querySelector(`select[name=${name}]`).value;
    return (!v("zone") || a.zone === v("zone")) && (!v("market") || a.market === v("market")) &&
      (!v("kind") || a.kind === v("kind"));
  }

  #render() {
    // Newest interval first across zones (the feed arrives in ingestion order).
    const shown = this.#alerts.filter((a) => this.#passes(a)).sort((
      x,
      y,
    ) => (x.timestamp < y.timestamp ? 1 : x.timestamp > y.timestamp ? -1 : 0));
    renderAlerts(this.#list, shown);
  }

  async #toggleNotify() {
    if (this.#notify.checked && globalThis.Notification && Notification.permission !== "granted") {
      this.#notify.checked = (await Notification.requestPermission()) === "granted";
    }
    localStorage.setItem(NOTIFY_KEY, this.#notify.checked ? "on" : "off");
  }

  async #call(method, path, body) {
    const headers = this.#token ? { Authorization: `Bearer ${this.#token}` } : {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = res.status === 204 ? {} : await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(answer.error ?? `${method} ${path} answered ${res.status}`);
    return answer;
  }

  /** Reads and shows the rules. */
  async loadRules() {
    try {
      const { rules, max_rules } = await this.#call("GET", "/api/alerts/rules");
      this.#rules.replaceChildren(...rules.map((r) => {
        const li = el("li", { "data-rule": r.id });
        const del = el("button", {
          type: "button",
          class: "rule-delete",
          "aria-label": `Delete rule ${describe(r)}`,
        }, "Delete");
        del.addEventListener("click", () => void this.#remove(r.id));
        li.append(el("span", {}, describe(r)), del);
        return li;
      }));
      if (rules.length === 0) {
        this.#rules.append(el("li", { class: "empty" }, "No rules: no alerts are raised"));
      }
      this.#status.textContent = `${rules.length} of ${max_rules} rules`;
    } catch (e) {
      this.#status.textContent = e.message;
    }
  }

  async #add(data) {
    const rule = Object.fromEntries(data);
    for (const k of ["threshold", "min_intervals", "hysteresis"]) rule[k] = Number(rule[k]);
    try {
      await this.#call("POST", "/api/alerts/rules", rule);
      await this.loadRules();
      this.#status.textContent = `Rule added: ${describe(rule)}`;
    } catch (e) {
      this.#status.textContent = e.message;
    }
  }

  async #remove(id) {
    try {
      await this.#call("DELETE", `/api/alerts/rules/${encodeURIComponent(id)}`);
      await this.loadRules();
    } catch (e) {
      this.#status.textContent = e.message;
    }
  }
}

/**
 * The four prom-client classes the metrics use, loaded from the package's own files rather than its index:
 * the index also loads the Pushgateway (`node:http`, `node:https`, `node:zlib`), the cluster aggregator and
 * the default process metrics, about 3 MB resident that the service never uses. The classes are the very
 * ones the index exports; their types come from the index's declarations.
 *
 * @module
 */
import type * as Prom from "prom-client";
import CounterClass from "prom-client/lib/counter.js";
import GaugeClass from "prom-client/lib/gauge.js";
import HistogramClass from "prom-client/lib/histogram.js";
import RegistryClass from "prom-client/lib/registry.js";

export const Counter: typeof Prom.Counter = CounterClass;
export type Counter<T extends string = string> = Prom.Counter<T>;
export const Gauge: typeof Prom.Gauge = GaugeClass;
export type Gauge<T extends string = string> = Prom.Gauge<T>;
export const Histogram: typeof Prom.Histogram = HistogramClass;
export type Histogram<T extends string = string> = Prom.Histogram<T>;
export const Registry: typeof Prom.Registry = RegistryClass;
export type Registry = Prom.Registry;

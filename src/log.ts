/**
 * Structured logs: one JSON object per line on stdout (npm:@logtape/logtape with its JSON Lines
 * formatter), `{"@timestamp", "level", "message", "logger", ...fields}`, the logger being the service name.
 * The rest of the code receives a plain `Log` function, so it never depends on the logging library and
 * tests pass a silent or recording one.
 *
 * @module
 */
import {
  configure,
  dispose,
  getJsonLinesFormatter,
  getLogger,
  getStreamSink,
  type LogLevel as LogTapeLevel,
} from "@logtape/logtape";

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Logs one event; `fields` become top-level JSON properties. Same shape as Bronze's `BronzeLog`. */
export type Log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** A log function that drops everything. */
export const silentLog: Log = () => {};

/** Options of `setupLogging`. */
export interface LoggingOptions {
  /** Service name, the `logger` of every line. */
  readonly service: string;
  /** Least level written. */
  readonly level: LogLevel;
  /** Where the JSON lines go (default stdout). */
  readonly writable?: WritableStream<Uint8Array>;
}

/** Configured logging: the log function and `close()`, which flushes what is buffered. */
export interface Logging {
  readonly log: Log;
  close(): Promise<void>;
}

const LEVELS: Readonly<Record<LogLevel, LogTapeLevel>> = {
  debug: "debug",
  info: "info",
  warn: "warning",
  error: "error",
};

function plainValue(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** Configures process-wide JSON logging and returns the log function. */
export async function setupLogging(options: LoggingOptions): Promise<Logging> {
  const sink = getStreamSink(options.writable ?? Deno.stdout.writable, {
    formatter: getJsonLinesFormatter({ properties: "flatten" }),
  });
  await configure({
    reset: true,
    sinks: { out: sink },
    loggers: [
      { category: [options.service], lowestLevel: LEVELS[options.level], sinks: ["out"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["out"] },
    ],
  });
  const logger = getLogger([options.service]);
  const log: Log = (level, msg, fields = {}) => {
    const properties: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) properties[k] = plainValue(v);
    // LogTape reads `{name}` in a message as a placeholder; braces in our messages are literal.
    const text = msg.replaceAll("{", "{{").replaceAll("}", "}}");
    if (level === "warn") logger.warn(text, properties);
    else logger[level](text, properties);
  };
  return { log, close: () => dispose() };
}

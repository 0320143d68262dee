/**
 * Which library produces to Kafka. `KAFKA_CLIENT=auto` (the default) takes librdkafka when this process
 * may use it (the unscoped `--allow-ffi` permission, as `deno task start` and `backfill` pass: Deno 2.9 loads a
 * library under `--allow-ffi=<path>` but then refuses every pointer read) and it loads and answers, else
 * kafkajs; the reason is logged once and shown in `/health`. Explicit values are taken as given (`librdkafka`
 * fails at start when the library cannot be loaded).
 *
 * @module
 */
import { cString, type Librdkafka, LIBRDKAFKA_PATHS, openLibrdkafka } from "../clients/librdkafka.ts";

/** The `KAFKA_CLIENT` setting. */
export type KafkaClientSetting = "auto" | "kafkajs" | "librdkafka";

/** The library chosen and why. */
export interface KafkaClientChoice {
  readonly client: "kafkajs" | "librdkafka";
  readonly reason: string;
  /** The loaded library, when `auto` loaded it. */
  readonly library?: Librdkafka;
}

/** What `chooseKafkaClient` asks of the process (tests pass a fake). */
export interface KafkaClientProbe {
  /** Whether the FFI bindings fit this platform (they follow `rdkafka.h` on Linux x86_64). */
  readonly platformOk: boolean;
  /** Whether the process may use FFI without a prompt: load the library and read what it returns. */
  ffiGranted(): boolean;
  /** Loads the library from the first of `paths` that loads; throws when none does. */
  open(paths: readonly string[]): Librdkafka;
}

/** The probe of this process. */
export const processProbe: KafkaClientProbe = {
  platformOk: Deno.build.os === "linux" && Deno.build.arch === "x86_64",
  // Path-scoped FFI is not enough: the library would load and then fail at its first pointer read.
  ffiGranted: () => Deno.permissions.querySync({ name: "ffi" }).state === "granted",
  open: (paths) => {
    const library = openLibrdkafka(paths);
    cString(library.rd_kafka_version_str()); // a pointer read: proves the bindings work in this process
    return library;
  },
};

/** Resolves `KAFKA_CLIENT`: `auto` prefers librdkafka (several times kafkajs's throughput) when it loads. */
export function chooseKafkaClient(
  setting: KafkaClientSetting,
  probe: KafkaClientProbe = processProbe,
): KafkaClientChoice {
  if (setting !== "auto") return { client: setting, reason: `KAFKA_CLIENT=${setting}` };
  if (!probe.platformOk) {
    return {
      client: "kafkajs",
      reason: "KAFKA_CLIENT=auto: the librdkafka bindings are for Linux x86_64 only",
    };
  }
  if (!probe.ffiGranted()) {
    return {
      client: "kafkajs",
      reason: "KAFKA_CLIENT=auto: no FFI permission for librdkafka (run with --allow-ffi; " +
        "--allow-ffi=<path> is not enough, Deno refuses pointer reads under it)",
    };
  }
  try {
    const library = probe.open(LIBRDKAFKA_PATHS);
    return { client: "librdkafka", reason: `KAFKA_CLIENT=auto: librdkafka loaded through FFI`, library };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { client: "kafkajs", reason: `KAFKA_CLIENT=auto: librdkafka not loaded (${why})` };
  }
}

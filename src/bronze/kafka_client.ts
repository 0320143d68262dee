/**
 * Which library produces to Kafka. `KAFKA_CLIENT=auto` (the default) takes librdkafka when this process
 * may load it (the FFI permission for its path: `--allow-ffi=/usr/lib/x86_64-linux-gnu/librdkafka.so.1`, as
 * `deno task start` and `backfill` pass) and it loads, else kafkajs; the reason is logged once and shown in `/health`. Explicit values are taken
 * as given (`librdkafka` fails at start when the library cannot be loaded).
 *
 * @module
 */
import { type Librdkafka, LIBRDKAFKA_PATHS, openLibrdkafka } from "./librdkafka_ffi.ts";

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
  /** Whether the process may load the library at `path` without a prompt. */
  ffiGranted(path: string): boolean;
  /** Loads the library from the first of `paths` that loads; throws when none does. */
  open(paths: readonly string[]): Librdkafka;
}

/** The probe of this process. */
export const processProbe: KafkaClientProbe = {
  platformOk: Deno.build.os === "linux" && Deno.build.arch === "x86_64",
  ffiGranted: (path) => Deno.permissions.querySync({ name: "ffi", path }).state === "granted",
  open: (paths) => openLibrdkafka(paths.length === LIBRDKAFKA_PATHS.length ? LIBRDKAFKA_PATHS : paths),
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
  const granted = LIBRDKAFKA_PATHS.filter((path) => probe.ffiGranted(path));
  if (granted.length === 0) {
    return {
      client: "kafkajs",
      reason: `KAFKA_CLIENT=auto: no FFI permission for librdkafka (run with --allow-ffi=${
        LIBRDKAFKA_PATHS[0]
      })`,
    };
  }
  try {
    const library = probe.open(granted);
    return { client: "librdkafka", reason: `KAFKA_CLIENT=auto: librdkafka loaded through FFI`, library };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { client: "kafkajs", reason: `KAFKA_CLIENT=auto: librdkafka not loaded (${why})` };
  }
}

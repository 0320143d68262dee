import assert from "node:assert/strict";
import { chooseKafkaClient, type KafkaClientProbe } from "../../src/bronze/kafka_client.ts";
import type { Librdkafka } from "../../src/clients/librdkafka.ts";
import { loadBronzeConfig } from "../../src/bronze/settings.ts";

const LIBRARY = {} as Librdkafka;

function probe(overrides: Partial<KafkaClientProbe> = {}): KafkaClientProbe & { opened: string[][] } {
  const opened: string[][] = [];
  return {
    platformOk: true,
    ffiGranted: () => true,
    open: (paths) => {
      opened.push([...paths]);
      return LIBRARY;
    },
    ...overrides,
    opened,
  };
}

Deno.test("KAFKA_CLIENT is auto by default", () => {
  assert.equal(loadBronzeConfig({}).kafkaClient, "auto");
  assert.equal(loadBronzeConfig({ KAFKA_CLIENT: "Auto" }).kafkaClient, "auto");
});

Deno.test("chooseKafkaClient(auto) takes librdkafka when the process may load it and it loads", () => {
  const p = probe();
  const choice = chooseKafkaClient("auto", p);
  assert.equal(choice.client, "librdkafka");
  assert.equal(choice.library, LIBRARY);
  assert.match(choice.reason, /auto: librdkafka loaded/);
});

Deno.test("chooseKafkaClient(auto) takes kafkajs without the FFI permission, and never tries to load", () => {
  const p = probe({ ffiGranted: () => false });
  const choice = chooseKafkaClient("auto", p);
  assert.equal(choice.client, "kafkajs");
  assert.match(choice.reason, /no FFI permission for librdkafka \(run with --allow-ffi; /);
  assert.deepEqual(p.opened, []);
});

Deno.test("chooseKafkaClient(auto) takes kafkajs under a path-scoped --allow-ffi, where pointer reads fail", async () => {
  // Deno 2.9 loads the library under --allow-ffi=<path> and then refuses every pointer read: librdkafka
  // chosen there would fail at its first produce.
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    file,
    `import { chooseKafkaClient } from "${new URL("../../src/bronze/kafka_client.ts", import.meta.url)}";
    const c = chooseKafkaClient("auto"); console.log(JSON.stringify({ client: c.client, reason: c.reason }));`,
  );
  try {
    for (
      const [flag, client] of [
        ["--allow-ffi=/usr/lib/x86_64-linux-gnu/librdkafka.so.1", "kafkajs"],
        ["--allow-ffi", "librdkafka"],
      ] as const
    ) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-prompt", "--allow-read", flag, file],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.equal(JSON.parse(text.trim().split("\n").at(-1)!).client, client, `${flag}: ${text}`);
    }
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("chooseKafkaClient(auto) takes kafkajs when librdkafka is missing, saying why", () => {
  const p = probe({
    open: () => {
      throw new Error('install the "librdkafka1" package');
    },
  });
  const choice = chooseKafkaClient("auto", p);
  assert.equal(choice.client, "kafkajs");
  assert.match(choice.reason, /librdkafka not loaded \(install the "librdkafka1" package\)/);
});

Deno.test("chooseKafkaClient(auto) takes kafkajs off Linux x86_64 (the bindings' platform)", () => {
  const p = probe({ platformOk: false });
  assert.equal(chooseKafkaClient("auto", p).client, "kafkajs");
  assert.deepEqual(p.opened, []);
});

Deno.test("chooseKafkaClient() takes an explicit KAFKA_CLIENT as given", () => {
  const p = probe({ ffiGranted: () => false });
  assert.deepEqual(chooseKafkaClient("librdkafka", p), {
    client: "librdkafka",
    reason: "KAFKA_CLIENT=librdkafka",
  });
  assert.deepEqual(chooseKafkaClient("kafkajs", p), { client: "kafkajs", reason: "KAFKA_CLIENT=kafkajs" });
});

Deno.test("chooseKafkaClient(auto) loads Debian's librdkafka1 in this process (--allow-ffi, package installed)", () => {
  const choice = chooseKafkaClient("auto");
  assert.equal(choice.client, "librdkafka", choice.reason);
});

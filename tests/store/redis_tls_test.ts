/**
 * `rediss://` against a real TLS `redis-server` of its own (a throwaway certificate made with openssl; the
 * project's script serves plain TCP only), trusting the certificate through `REDIS_TLS_CA_FILE`.
 */
import assert from "node:assert/strict";
import { createRedisStore } from "../../src/store/redis_store.ts";
import { NP15, priceRows, testConfig, waitFor } from "./helpers.ts";

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "null" }).output();
  if (!out.success) throw new Error(`${cmd} ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
}

Deno.test({
  name: "[redis] a rediss:// URL connects over TLS, trusting the CA named by REDIS_TLS_CA_FILE",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const [cert, key] = [`${dir}/cert.pem`, `${dir}/key.pem`];
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]);
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const server = new Deno.Command("redis-server", {
      args: [
        "--port",
        "0",
        "--bind",
        "127.0.0.1",
        "--tls-port",
        String(port),
        "--tls-cert-file",
        cert,
        "--tls-key-file",
        key,
        "--tls-auth-clients",
        "no",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const clock = () => new Date("2025-06-10T19:07:00Z");
    const env = {
      REDIS_URL: `rediss://127.0.0.1:${port}`,
      REDIS_TLS_CA_FILE: cert,
      REDIS_BACKOFF_MAX_MS: "200",
    };
    const store = createRedisStore({ config: testConfig(env), clock });
    try {
      await waitFor("the TLS server to answer", () => store.stats().connected, 15_000);
      assert.equal(
        (await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T19:00:00Z", [42]))).stored,
        true,
      );
      const current = await store.current("np15");
      assert.equal(current.stale, false);
      assert.equal(current.value?.rt_price, 42);
    } finally {
      await store.close();
      server.kill("SIGTERM");
      await server.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

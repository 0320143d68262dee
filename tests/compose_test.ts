/**
 * docker-compose.yml without Docker (no daemon runs here): images pinned by version, the service waits on
 * health checks, and the offline profile's simulator command line, run outside the image with `/app` mapped
 * to the repository, serves OASIS answers.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { freePort } from "./store/helpers.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");

interface Service {
  image?: string;
  build?: string;
  profiles?: string[];
  command?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  environment?: Record<string, string>;
}

async function services(): Promise<Record<string, Service>> {
  const text = await Deno.readTextFile(join(ROOT, "docker-compose.yml"));
  return (parse(text) as { services: Record<string, Service> }).services;
}

Deno.test("docker-compose.yml pins every image by version and starts the service once its dependencies are healthy", async () => {
  const all = await services();
  for (const [name, service] of Object.entries(all)) {
    if (service.image) assert.match(service.image, /:\d+\.\d+\.\d+$/, `${name} image "${service.image}"`);
    else assert.equal(service.build, ".", `${name} is built from the Dockerfile`);
  }
  const app = all["oasis-stream"];
  assert.ok(app?.depends_on);
  assert.deepEqual(Object.keys(app.depends_on).sort(), ["kafka", "redis", "simulator"]);
  for (const [name, dependency] of Object.entries(app.depends_on)) {
    assert.equal(dependency.condition, "service_healthy", name);
    assert.ok(all[name]?.healthcheck?.test.length, `${name} has a health check`);
  }
  // The simulator only exists in the offline profile, so the service must not require it.
  assert.equal(app.depends_on.simulator?.required, false);
  assert.deepEqual(all.simulator?.profiles, ["offline"]);
});

Deno.test("the offline profile's simulator command line serves OASIS with CAISO's 5 s throttle", async () => {
  const command = (await services()).simulator?.command;
  assert.ok(command && command[0] === "deno", "the simulator runs deno");
  const port = freePort();
  const args = command.slice(1).map((arg) =>
    arg.replaceAll("/app", ROOT).replace("/deno-dir", Deno.env.get("DENO_DIR") ?? ROOT)
  );
  // Loopback here instead of the container's 0.0.0.0, and a free port instead of 8090.
  args[args.indexOf("--hostname") + 1] = "127.0.0.1";
  args[args.indexOf("--port") + 1] = String(port);
  const child = new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: "piped", stderr: "piped" })
    .spawn();
  const output = Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  try {
    const line = await (async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          return await (await fetch(`http://127.0.0.1:${port}/sim/clock`)).json();
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`The simulator did not answer: ${error}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    })();
    assert.match(line.now, /^\d{4}-/);
    const url =
      `http://127.0.0.1:${port}/oasisapi/SingleZip?queryname=PRC_INTVL_LMP&version=3&market_run_id=RTM` +
      `&startdatetime=20260701T18:00-0000&enddatetime=20260701T19:00-0000&node=TH_NP15_GEN-APND&resultformat=6`;
    const first = await fetch(url);
    await first.body?.cancel();
    const second = await fetch(url);
    await second.body?.cancel();
    assert.deepEqual([first.status, second.status], [200, 429]);
  } finally {
    child.kill("SIGINT");
    await child.status;
    await output;
  }
});

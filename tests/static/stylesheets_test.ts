/**
 * The dashboard's stylesheets: one per component, each linked from `index.html` and served by the static
 * route as CSS that the browser revalidates.
 */
import assert from "node:assert/strict";
import { createStaticApp, STATIC_DIR } from "../../routes/static.ts";

const linked = async () => {
  const html = await Deno.readTextFile(new URL("index.html", STATIC_DIR));
  return [...html.matchAll(/<link rel="stylesheet" href="\/static\/([a-z_]+\.css)">/g)].map((m) => m[1]!);
};

Deno.test("[static] index.html links every stylesheet in static/, theme.css first", async () => {
  const files: string[] = [];
  for await (const entry of Deno.readDir(STATIC_DIR)) {
    if (entry.name.endsWith(".css")) files.push(entry.name);
  }
  const links = await linked();
  assert.deepEqual([...links].sort(), files.sort());
  assert.equal(links[0], "theme.css", "the theme's custom properties come before any rule that uses them");
});

Deno.test("[static] each stylesheet is served as text/css with no-cache and stays under 300 lines", async () => {
  const app = createStaticApp();
  for (const file of await linked()) {
    const res = await app.request(`/static/${file}`);
    assert.equal(res.status, 200, file);
    assert.equal(res.headers.get("content-type"), "text/css; charset=utf-8", file);
    assert.equal(res.headers.get("cache-control"), "no-cache", file);
    const lines = (await res.text()).split("\n").length;
    assert.ok(lines <= 300, `${file} has ${lines} lines`);
  }
});

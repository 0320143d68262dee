/**
 * The documentation stays true to the code: the settings reference is the generated text, the README stays
 * a short entry point, and every relative link of the README and `docs/` points at a file that exists.
 */
import assert from "node:assert/strict";
import { CONFIGURATION_DOC, withSettingsReference } from "../scripts/settings_table.ts";

const ROOT = new URL("../", import.meta.url);

Deno.test("docs/configuration.md is what `deno task docs` generates from src/config.ts", async () => {
  const doc = await Deno.readTextFile(CONFIGURATION_DOC);
  assert.ok(doc === withSettingsReference(doc), "docs/configuration.md is out of date: run `deno task docs`");
});

Deno.test("the README is a short entry point: at most 250 lines, none wider than 200 characters", async () => {
  const lines = (await Deno.readTextFile(new URL("README.md", ROOT))).split("\n");
  assert.ok(lines.length <= 250, `README.md has ${lines.length} lines`);
  const wide = lines.map((l, i) => [i + 1, l.length]).filter(([, n]) => n! > 200);
  assert.deepEqual(wide, [], "README lines wider than 200 characters ([line, width])");
});

Deno.test("every relative link of the README and docs/ points at a file of the repository", async () => {
  const files = ["README.md", "CHANGELOG.md"];
  for await (const e of Deno.readDir(new URL("docs/", ROOT))) {
    if (e.name.endsWith(".md")) files.push(`docs/${e.name}`);
  }
  const broken: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(?:[a-z]+:|#)/i.test(target!)) continue;
      const path = new URL(target!.split("#")[0]!, new URL(file, ROOT));
      try {
        await Deno.stat(path);
      } catch {
        broken.push(`${file} → ${target}`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

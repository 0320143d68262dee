/**
 * Imports point one way: the service (`src/`, `routes/`) never reaches into the simulator, the scripts or
 * the tests; the OASIS domain core (`src/oasis/`) imports nothing from the layers built on it; and the
 * simulator takes from `src/` only that pure domain core.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Every `.ts` file under `dir` (relative to the repository), sorted. */
function tsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts")) found.push(path);
  }
  return found.sort();
}

/**
 * The relative module specifiers of `source`, resolved to repository paths: static and dynamic imports,
 * re-exports, and `new URL("…", import.meta.url)` (workers). Comments are left out.
 */
function localImports(file: string, source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const patterns = [
    /\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g,
    /new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g,
  ];
  const specifiers = patterns.flatMap((p) => [...code.matchAll(p)].map((m) => m[1]!));
  return specifiers
    .filter((s) => s.startsWith("./") || s.startsWith("../"))
    .map((s) => relative(ROOT, join(ROOT, dirname(file), s)).split(sep).join("/"));
}

/** `[file, import]` pairs of the files under `dirs` whose import starts with one of `forbidden`. */
function offending(dirs: string[], forbidden: string[]): string[][] {
  return dirs.flatMap(tsFiles).flatMap((file) =>
    localImports(file, Deno.readTextFileSync(join(ROOT, file)))
      .filter((target) => forbidden.some((f) => target === f.replace(/\/$/, "") || target.startsWith(f)))
      .map((target) => [file, target])
  );
}

Deno.test("localImports() resolves static, dynamic, re-export and worker URLs and skips comments", () => {
  const source = [
    `import { a } from "./a.ts";`,
    `export { b } from "../b.ts";`,
    `const c = await import("../../simulator/c.ts");`,
    `new Worker(new URL("./w.ts", import.meta.url).href);`,
    `import { d } from "npm-package";`,
    `// import { e } from "../../tests/e.ts";`,
    `/** import { f } from "../../scripts/f.ts"; */`,
  ].join("\n");
  assert.deepEqual(localImports("src/x/file.ts", source), [
    "src/x/a.ts",
    "src/b.ts",
    "simulator/c.ts",
    "src/x/w.ts",
  ]);
});

Deno.test("nothing in src/ or routes/ imports simulator/, scripts/ or tests/", () => {
  assert.deepEqual(offending(["src", "routes"], ["simulator/", "scripts/", "tests/"]), []);
});

Deno.test("src/oasis imports nothing from the layers built on it or from routes/", () => {
  const layers = ["bronze", "store", "jobs", "live", "analytics", "alerts"].map((l) => `src/${l}/`);
  assert.deepEqual(offending(["src/oasis"], [...layers, "routes/"]), []);
});

Deno.test("simulator/ takes from src/ only the pure OASIS domain core (src/oasis)", () => {
  const outside = offending(["simulator"], ["src/", "routes/", "scripts/", "tests/"])
    .filter(([, target]) => !target!.startsWith("src/oasis/"));
  assert.deepEqual(outside, []);
});

/** The product files (src/, routes/) whose code names `pattern`, comments left out. */
function productFilesMatching(pattern: RegExp): string[] {
  return ["src", "routes"].flatMap(tsFiles).filter((file) => {
    const code = Deno.readTextFileSync(join(ROOT, file))
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    return pattern.test(code);
  });
}

const importOf = (name: string) => new RegExp(`from\\s+["']${name}["']|import\\(\\s*["']${name}["']`);

Deno.test("src/oasis, src/store and src/coordination import nothing from the layers that use them", () => {
  // The store computes alerts and signals on ingest with src/analytics' pure functions (which import no store).
  const users = ["bronze", "jobs", "live", "alerts", "service"].map((l) => `src/${l}/`);
  assert.deepEqual(offending(["src/store", "src/coordination"], [...users, "routes/"]), []);
  assert.deepEqual(offending(["src/oasis"], ["src/coordination/", "src/clients/", "src/service/"]), []);
});

Deno.test("only src/clients/ imports ioredis and kafkajs, binds librdkafka, or calls Deno.openKv", () => {
  assert.deepEqual(productFilesMatching(importOf("ioredis")), ["src/clients/redis.ts"]);
  assert.deepEqual(productFilesMatching(importOf("kafkajs")), ["src/clients/kafka.ts"]);
  assert.deepEqual(productFilesMatching(/Deno\.dlopen\(/), ["src/clients/librdkafka.ts"]);
  assert.deepEqual(productFilesMatching(/Deno\.openKv\(/), ["src/clients/kv.ts"]);
});

Deno.test("each parser, retry, schema and solver library is imported by one product file", () => {
  for (
    const [name, file] of Object.entries({
      saxes: "src/oasis/xml_stream.ts",
      cockatiel: "src/oasis/fetch_policy.ts",
      zod: "src/zod.ts",
      highs: "src/analytics/highs_solver.ts",
    })
  ) {
    assert.deepEqual(productFilesMatching(importOf(name)), [file], name);
  }
  assert.deepEqual(productFilesMatching(importOf("fflate")), [
    "src/oasis/unzip.ts",
    "src/oasis/zip_stream.ts",
  ]);
  // d3-dsv: reading OASIS CSV, and writing the history CSV download.
  assert.deepEqual(productFilesMatching(importOf("d3-dsv")), [
    "src/oasis/csv_rows.ts",
    "routes/history_csv.ts",
  ]);
});

import assert from "node:assert/strict";
import {
  ALLOWED_LONG_FILES,
  ALLOWED_LONG_FUNCTIONS,
  countLines,
  createLayoutPlugin,
  MAX_FILE_LINES,
  MAX_FUNCTION_LINES,
} from "../scripts/lint_layout.ts";

const strict = createLayoutPlugin({ files: {}, functions: {} });
const root = new URL("../", import.meta.url);

const lint = (path: string, source: string, plugin = strict) =>
  Deno.lint.runPlugin(plugin, path, source).map((d) => `${d.id}: ${d.message}`);

/** A function `name` spanning exactly `lines` lines. */
const fn = (name: string, lines: number) =>
  `function ${name}() {\n${"  console.log(1);\n".repeat(lines - 2)}}\n`;

Deno.test("[layout] a checked file over 300 lines is reported, one of 300 is not", () => {
  const line = "export const x = 1;\n";
  assert.deepEqual(lint("src/a.ts", line.repeat(MAX_FILE_LINES)), []);
  assert.deepEqual(lint("src/a.ts", line.repeat(MAX_FILE_LINES + 1)), [
    "layout/max-file-lines: File is 301 lines, over the limit of 300",
  ]);
  for (const dir of ["routes", "simulator", "scripts"]) {
    assert.equal(lint(`${dir}/a.ts`, line.repeat(MAX_FILE_LINES + 1)).length, 1, dir);
  }
});

Deno.test("[layout] tests, bench and static files are not checked", () => {
  const long = "export const x = 1;\n".repeat(400) + fn("f", 100);
  for (const path of ["tests/a_test.ts", "bench/a.ts", "static/a.js", "mod.ts"]) {
    assert.deepEqual(lint(path, long), [], path);
  }
});

Deno.test("[layout] a function over 60 lines is reported by name, one of 60 is not", () => {
  assert.deepEqual(lint("src/a.ts", fn("short", MAX_FUNCTION_LINES)), []);
  assert.deepEqual(lint("src/a.ts", fn("tall", MAX_FUNCTION_LINES + 1)), [
    'layout/max-function-lines: Function "tall" is 61 lines, over the limit of 60',
  ]);
});

Deno.test("[layout] methods, private methods and arrow functions are measured too", () => {
  const body = "    void 0;\n".repeat(MAX_FUNCTION_LINES);
  const source = `export class A {\n  run() {\n${body}  }\n  #hidden() {\n${body}  }\n}\n` +
    `export const arrow = () => {\n${body}};\n`;
  assert.deepEqual(lint("routes/a.ts", source), [
    'layout/max-function-lines: Function "run" is 62 lines, over the limit of 60',
    'layout/max-function-lines: Function "#hidden" is 62 lines, over the limit of 60',
    'layout/max-function-lines: Function "arrow" is 62 lines, over the limit of 60',
  ]);
});

Deno.test("[layout] a long function passes with a `// long: <reason>` comment above it or in its JSDoc", () => {
  const long = fn("f", MAX_FUNCTION_LINES + 5);
  assert.deepEqual(lint("src/a.ts", `// long: one table, read top to bottom\n${long}`), []);
  assert.deepEqual(lint("src/a.ts", `/**\n * Does f.\n *\n * long: one table\n */\nexport ${long}`), []);
  assert.deepEqual(lint("src/a.ts", `// long: one table\n/** Does f. */\n${long}`), []);
  const method = `class A {\n  // long: a state machine\n  async run() {\n${
    "    void 0;\n".repeat(70)
  }  }\n}\n`;
  assert.deepEqual(lint("src/a.ts", method), []);
  const arrow = `// long: one table\nexport const f = async (\n  a: number,\n) => {\n${
    "  void a;\n".repeat(70)
  }};\n`;
  assert.deepEqual(lint("src/a.ts", arrow), []);
});

Deno.test("[layout] a marker without a reason, or not right above, does not count", () => {
  const long = fn("f", MAX_FUNCTION_LINES + 5);
  assert.equal(lint("src/a.ts", `// long:\n${long}`).length, 1);
  assert.equal(lint("src/a.ts", `// long: a reason\n\n${long}`).length, 1);
  assert.equal(lint("src/a.ts", `// a comment without the marker\n${long}`).length, 1);
});

Deno.test("[layout] the allow-list lets a named file through, and only that file", () => {
  const plugin = createLayoutPlugin({ files: { "src/a.ts": "why" }, functions: { "src/b.ts": "why" } });
  const long = "export const x = 1;\n".repeat(MAX_FILE_LINES) + fn("f", MAX_FUNCTION_LINES + 1);
  assert.deepEqual(lint("src/a.ts", long, plugin), [
    'layout/max-function-lines: Function "f" is 61 lines, over the limit of 60',
  ]);
  assert.deepEqual(lint("src/b.ts", long, plugin), [
    "layout/max-file-lines: File is 361 lines, over the limit of 300",
  ]);
});

Deno.test("[layout] countLines() counts like wc -l, plus an unterminated last line", () => {
  assert.equal(countLines(""), 0);
  assert.equal(countLines("a\n"), 1);
  assert.equal(countLines("a\nb"), 2);
  assert.equal(countLines("a\n\n"), 2);
});

// The allow-lists only shrink: an entry must name a file that still breaks its rule.
for (
  const [rule, list] of [
    ["max-file-lines", ALLOWED_LONG_FILES],
    ["max-function-lines", ALLOWED_LONG_FUNCTIONS],
  ] as const
) {
  Deno.test(`[layout] every ${rule} allow-list entry still needs its exemption`, async () => {
    const stale: string[] = [];
    for (const [path, reason] of Object.entries(list)) {
      assert.match(reason, /\S/, path);
      const source = await Deno.readTextFile(new URL(path, root)).catch(() => undefined);
      const hits = source === undefined
        ? []
        : lint(path, source).filter((d) => d.startsWith(`layout/${rule}:`));
      if (hits.length === 0) stale.push(path);
    }
    assert.deepEqual(
      stale,
      [],
      `remove these entries from scripts/lint_layout_allowed.ts: ${stale.join(", ")}`,
    );
  });
}

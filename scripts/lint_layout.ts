/**
 * A `deno lint` plugin (loaded from `deno.json` `lint.plugins`) that holds the code to the layout's sizes:
 *
 * - `layout/max-file-lines`: no `.ts` file in `src/`, `routes/`, `simulator/` or `scripts/` over 300 lines;
 * - `layout/max-function-lines`: no function, method or arrow function there over 60 lines, unless the line
 *   right above it (or above the statement that holds it), or its JSDoc, says why: `// long: <reason>`.
 *
 * While issue 13's refactor splits files, the files named in {@linkcode ALLOWED_LONG_FILES} and
 * {@linkcode ALLOWED_LONG_FUNCTIONS} are let through; every other violation is reported. The lists only
 * shrink: `tests/layout_test.ts` fails on an entry whose file no longer breaks the rule.
 *
 * @module
 */
import { ALLOWED_LONG_FILES, ALLOWED_LONG_FUNCTIONS } from "./lint_layout_allowed.ts";

export { ALLOWED_LONG_FILES, ALLOWED_LONG_FUNCTIONS };

/** The most lines a checked file may have. */
export const MAX_FILE_LINES = 300;
/** The most lines a function may span without a `// long: <reason>` comment. */
export const MAX_FUNCTION_LINES = 60;
/** The folders (relative to the project root) whose `.ts` files are checked. */
export const CHECKED_DIRS: readonly string[] = ["src/", "routes/", "simulator/", "scripts/"];

/** Which files each rule lets through: project-relative path → reason. */
export interface LayoutAllowList {
  readonly files: Readonly<Record<string, string>>;
  readonly functions: Readonly<Record<string, string>>;
}

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);
const MARKER = /\blong:\s*\S/;

/** The path of `filename` relative to the project root, with forward slashes. */
export function projectPath(filename: string): string {
  const path = filename.replaceAll("\\", "/");
  const rel = path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
  return rel.replace(/^\.\//, "");
}

function checked(path: string): boolean {
  return path.endsWith(".ts") && CHECKED_DIRS.some((dir) => path.startsWith(dir));
}

/** Lines of `text` as `wc -l` counts them (a final newline ends the last line, it does not start one). */
export function countLines(text: string): number {
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

/** Offsets at which each line starts, for turning a range into line numbers. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line of `offset`. */
function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Whether the comment ending on, or written on, 1-based line `above` carries the `long:` marker. */
function markedAbove(lines: readonly string[], above: number): boolean {
  const line = lines[above - 1]?.trim();
  if (line === undefined) return false;
  if (line.startsWith("//")) return MARKER.test(line);
  if (!line.endsWith("*/")) return false;
  let first = above;
  while (first > 1 && !lines[first - 1]!.includes("/*")) first--;
  // The marker may sit in the JSDoc or on the line right above it.
  return MARKER.test(lines.slice(first - 1, above).join("\n")) || markedAbove(lines, first - 1);
}

// The nearest of these around a function is its holder: a marker above the holder's first line counts too.
const HOLDERS = new Set([
  "MethodDefinition",
  "TSAbstractMethodDefinition",
  "Property",
  "PropertyDefinition",
  "VariableDeclaration",
  "ExportNamedDeclaration",
  "ExportDefaultDeclaration",
  "ExpressionStatement",
  "ReturnStatement",
]);

type FunctionNode =
  | Deno.lint.FunctionDeclaration
  | Deno.lint.FunctionExpression
  | Deno.lint.ArrowFunctionExpression;

function functionName(node: FunctionNode): string {
  if (node.type !== "ArrowFunctionExpression" && node.id) return node.id.name;
  const parent = (node as { parent?: Deno.lint.Node }).parent;
  if (parent === undefined) return "(anonymous)";
  if (
    (parent.type === "MethodDefinition" || parent.type === "Property" ||
      parent.type === "PropertyDefinition") &&
    (parent.key.type === "Identifier" || parent.key.type === "PrivateIdentifier")
  ) {
    return (parent.key.type === "PrivateIdentifier" ? "#" : "") + parent.key.name;
  }
  if (parent.type === "VariableDeclarator" && parent.id.type === "Identifier") return parent.id.name;
  return "(anonymous)";
}

/** Builds the plugin with its allow-list (the default is the project's; tests pass their own). */
export function createLayoutPlugin(allowed: LayoutAllowList = {
  files: ALLOWED_LONG_FILES,
  functions: ALLOWED_LONG_FUNCTIONS,
}): Deno.lint.Plugin {
  const maxFileLines: Deno.lint.Rule = {
    create(ctx) {
      const path = projectPath(ctx.filename);
      if (!checked(path) || path in allowed.files) return {};
      return {
        Program() {
          const text = ctx.sourceCode.text;
          const lines = countLines(text);
          if (lines <= MAX_FILE_LINES) return;
          const at = lineStarts(text)[MAX_FILE_LINES] ?? 0;
          ctx.report({
            range: [at, at],
            message: `File is ${lines} lines, over the limit of ${MAX_FILE_LINES}`,
            hint: "Split it along a seam into files of 50–200 lines (STYLE.md, Small files)",
          });
        },
      };
    },
  };
  const maxFunctionLines: Deno.lint.Rule = {
    create(ctx) {
      const path = projectPath(ctx.filename);
      if (!checked(path) || path in allowed.functions) return {};
      const text = ctx.sourceCode.text;
      const starts = lineStarts(text);
      const lines = text.split("\n");
      const check = (node: FunctionNode) => {
        const first = lineOf(starts, node.range[0]);
        const length = lineOf(starts, node.range[1]) - first + 1;
        if (length <= MAX_FUNCTION_LINES) return;
        const holder = ctx.sourceCode.getAncestors(node).findLast((a) => HOLDERS.has(a.type));
        const heads = holder === undefined ? [first] : [first, lineOf(starts, holder.range[0])];
        if (heads.some((head) => markedAbove(lines, head - 1))) return;
        ctx.report({
          range: [node.range[0], starts[first] !== undefined ? starts[first]! - 1 : node.range[1]],
          message: `Function "${
            functionName(node)
          }" is ${length} lines, over the limit of ${MAX_FUNCTION_LINES}`,
          hint: 'Split it, or say why it is long in a "// long: <reason>" comment on the line above',
        });
      };
      return { FunctionDeclaration: check, FunctionExpression: check, ArrowFunctionExpression: check };
    },
  };
  return {
    name: "layout",
    rules: { "max-file-lines": maxFileLines, "max-function-lines": maxFunctionLines },
  };
}

export default createLayoutPlugin();

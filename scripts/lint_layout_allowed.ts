/**
 * The files `scripts/lint_layout.ts` lets through while issue 13's refactor is under way, each with the
 * reason. Both lists only shrink: `tests/layout_test.ts` fails on an entry whose file keeps the rule.
 *
 * @module
 */

/** Files allowed over 300 lines for now: project-relative path → reason. */
export const ALLOWED_LONG_FILES: Readonly<Record<string, string>> = {};

/** Files whose functions over 60 lines need no `// long:` comment for now: path → reason. */
export const ALLOWED_LONG_FUNCTIONS: Readonly<Record<string, string>> = {};

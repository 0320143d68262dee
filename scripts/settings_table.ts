/**
 * Prints the README's settings table from `SETTINGS` (`deno run scripts/settings_table.ts`), so the two
 * never disagree; `tests/config_test.ts` checks the README against `SETTINGS`.
 *
 * @module
 */
import { SETTINGS } from "../src/config.ts";

const cell = (text: string) => text.replaceAll("|", "\\|");
console.log("| variable | default | meaning |\n|---|---|---|");
for (const s of SETTINGS) {
  console.log(
    `| \`${s.name}\` | ${s.default === "" ? "(unset)" : `\`${cell(s.default)}\``} | ${cell(s.description)} |`,
  );
}

/** The command-line tools, run as users run them: a subprocess, with exit codes, stdout and stderr. */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const SAMPLES = "tests/fixtures/oasis-samples/";

async function run(script: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("[parse CLI] prints one NDJSON row per source row of the 2020 zip", async () => {
  const r = await run("scripts/parse.ts", [
    `${SAMPLES}singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 162_848);
  const first = JSON.parse(lines[0]!);
  assert.equal(first.dataset, "lmp_dam");
  assert.match(first.interval_start, /Z$/);
  assert.match(r.stderr, /162848 rows from 20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1\.csv/);
});

Deno.test("[parse CLI] a no-data document prints nothing and exits 0 with a note", async () => {
  const r = await run("scripts/parse.ts", [`${SAMPLES}erw_caiso_sld_ren_fcst_no_data.xml`]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /No data: OASIS 1000/);
});

Deno.test("[parse CLI] an error document exits 1 with the OASIS code and description", async () => {
  const r = await run("scripts/parse.ts", [`${SAMPLES}api-evangelist_INVALID_REQUEST_1001.xml`]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /OASIS error 1001: Invalid Parameters of the given report name/);
});

Deno.test("[parse CLI] bad input: unknown dataset, missing file, HTML page — clear messages, no stack trace", async () => {
  const unknown = await run("scripts/parse.ts", [
    `${SAMPLES}pyiso_sld_forecast_RTM_RTPD.xml`,
    "--dataset",
    "lmp",
  ]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown dataset "lmp": expected one of lmp_dam/);
  const missing = await run("scripts/parse.ts", ["no/such/file.zip"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot parse "no\/such\/file.zip"/);
  const html = await run("scripts/parse.ts", [`${SAMPLES}api-evangelist_http429_body.html`]);
  assert.equal(html.code, 1);
  assert.match(html.stderr, /not an OASIS report/);
  for (const r of [unknown, missing, html]) assert.doesNotMatch(r.stderr, /\n\s+at /);
  const usage = await run("scripts/parse.ts", []);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage: deno task parse FILE/);
});

Deno.test("[parse CLI] --dataset overrides the inference from the file name", async () => {
  const r = await run("scripts/parse.ts", [
    `${SAMPLES}20230917_20230919_PRC_RTPD_LMP_RTPD_20230921_11_49_39_v2.csv`,
    "--dataset",
    "lmp_fmm",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split("\n").length, 960);
});

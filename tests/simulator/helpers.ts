/**
 * Shared helpers for the simulator tests: a simulator on a fixed clock, URL building, unzipping and a
 * minimal CSV reader (OASIS CSV never quotes).
 *
 * @module
 */
import { unzipSync } from "fflate";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../simulator/simulator.ts";

/** The recorded OASIS responses (copies of shared/oasis-samples, checked byte-identical by parse_test.ts). */
export const SAMPLES_DIR = new URL("../fixtures/oasis-samples", import.meta.url).pathname;

/** Reads a recorded sample as bytes. */
export function sampleBytes(name: string): Promise<Uint8Array> {
  return Deno.readFile(`${SAMPLES_DIR}/${name}`);
}

/** Reads a recorded sample as text. */
export function sampleText(name: string): Promise<string> {
  return Deno.readTextFile(`${SAMPLES_DIR}/${name}`);
}

/** The fixed simulated now of most tests: 2026-07-01 13:03:17.250 PDT. */
export const NOW = new Date("2026-07-01T20:03:17.250Z");

/** A simulator whose clock is frozen at `now`. */
export function fixedSimulator(options: SimulatorOptions = {}, now: Date = NOW): Simulator {
  return createSimulator({ now: () => now, ...options });
}

/** A SingleZip (or GroupZip) URL with `params` in the given order. */
export function oasisUrl(params: Record<string, string>, endpoint = "SingleZip"): string {
  const query = Object.entries(params).map(([k, v]) => `${k}=${v}`).join("&");
  return `http://127.0.0.1:8090/oasisapi/${endpoint}?${query}`;
}

/** Standard parameters for `query` over `[start, end)`, CSV unless `format` is `xml`. */
export function queryParams(
  query: string,
  version: number,
  marketRunId: string | undefined,
  start: string,
  end: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    resultformat: "6",
    queryname: query,
    version: String(version),
    ...(marketRunId ? { market_run_id: marketRunId } : {}),
    ...extra,
    startdatetime: start,
    enddatetime: end,
  };
}

/** An answered request: the response, its body and the unzipped members as text. */
export interface Answer {
  response: Response;
  body: Uint8Array;
  files: Record<string, string>;
}

/** Sends `url` to `sim` and unzips the answer when it is a readable zip. */
export async function ask(sim: Simulator, url: string, init?: RequestInit): Promise<Answer> {
  const response = await sim.handler(new Request(url, init));
  const body = new Uint8Array(await response.arrayBuffer());
  const files: Record<string, string> = {};
  if (response.headers.get("Content-Type") === "application/x-zip-compressed") {
    const decoder = new TextDecoder();
    let members: Record<string, Uint8Array> = {};
    try {
      members = unzipSync(body);
    } catch {
      // A truncated zip (fault injection): leave `files` empty, the test reads `body`.
    }
    for (const [name, data] of Object.entries(members)) files[name] = decoder.decode(data);
  }
  return { response, body, files };
}

/** The OASIS error code inside an error-document answer, or undefined for data. */
export function errorCode(answer: Answer): number | undefined {
  const text = Object.values(answer.files).join("");
  const m = /<m:ERR_CODE>(\d+)<\/m:ERR_CODE>/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** A parsed CSV: header and rows keyed by column. */
export interface Csv {
  header: string[];
  lines: string[];
  rows: Array<Record<string, string>>;
}

/** Parses unquoted CSV text with `\n` line endings and a final newline. */
export function readCsv(text: string): Csv {
  const lines = text.split("\n");
  if (lines.pop() !== "") throw new SyntaxError("CSV text does not end with a newline");
  const header = (lines.shift() ?? "").split(",");
  const rows = lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
  return { header, lines, rows };
}

/** The single member of an answer, as CSV. */
export function onlyCsv(answer: Answer): Csv {
  const names = Object.keys(answer.files);
  if (names.length !== 1) {
    throw new RangeError(`Expected one member, got ${names.length}: ${names.join(", ")}`);
  }
  return readCsv(answer.files[names[0] as string] as string);
}

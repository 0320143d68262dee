/**
 * Turns the cells of one source row (CSV line or XML `REPORT_DATA`) into an `OasisRow`, or into a
 * `RowProblem` when a timestamp or value cannot be read. Shared by the CSV and XML parsers.
 *
 * @module
 */
import type { ColumnFamily, ColumnIndex } from "./columns.ts";
import type { DatasetName } from "./datasets.ts";
import { LMP_DATA_ITEMS, type OasisRow, type RowProblem } from "./row.ts";
import { gmtToIso, hoursInDay, isDateText, operatingDate, pacificMidnight } from "./time.ts";

/** AS data items in XML (`RU_CLR_PRC`) to the CSV `ANC_TYPE` code (`RU`). */
const AS_DATA_ITEMS: Readonly<Record<string, string>> = {
  NS_CLR_PRC: "NR",
  RD_CLR_PRC: "RD",
  RU_CLR_PRC: "RU",
  SP_CLR_PRC: "SR",
  RMD_CLR_PRC: "RMD",
  RMU_CLR_PRC: "RMU",
};

const HOUR_MS = 3_600_000;

/** What the builder needs to know about the file it reads. */
export interface RowContext {
  readonly dataset: DatasetName | "other";
  readonly report: string;
  readonly family: ColumnFamily;
  readonly file: string;
  readonly header: readonly string[];
  readonly index: ColumnIndex;
}

/** Operating-day labels derived from a GMT start, for XML rows that carry no `OPR_HR`. */
interface Labels {
  oprDate: string;
  oprHour: number;
  minuteOfHour: number;
}

/** Builds normalized rows for one file; caches per-timestamp work so large files stay fast. */
export class RowBuilder {
  readonly #ctx: RowContext;
  readonly #labels = new Map<string, Labels>();
  readonly #componentMap: Readonly<Record<string, string>> | undefined;
  readonly #times = new Map<string, string | undefined>();
  /** The last operating date found real: rows come day by day, so one comparison mostly does. */
  #lastDate = "";
  /** Builds the `raw` record; compiled per header so that every record has one fixed shape (V8 is far faster). */
  readonly raw: (cells: readonly string[]) => Record<string, string>;

  constructor(ctx: RowContext) {
    this.#ctx = ctx;
    this.#componentMap = ctx.family === "lmp"
      ? LMP_DATA_ITEMS
      : ctx.family === "as"
      ? AS_DATA_ITEMS
      : undefined;
    this.raw = compileRecord(ctx.header);
  }

  /** Normalizes one row; `rowNumber` is 1-based. */
  // long: the per-row hot path of every parse, kept whole so a row costs no extra calls or objects.
  build(cells: readonly string[], rowNumber: number): OasisRow | RowProblem {
    const { index, file } = this.#ctx;
    const startText = cells[index.start] ?? "";
    const start = this.#iso(startText);
    if (!start) return this.#problem(`Invalid interval start "${startText}"`, cells, rowNumber);
    const endText = cells[index.end] ?? "";
    const end = this.#iso(endText);
    if (!end) return this.#problem(`Invalid interval end "${endText}"`, cells, rowNumber);
    const valueText = (cells[index.value] ?? "").trim();
    let value: number | null = null;
    if (valueText !== "") {
      value = decimal(valueText);
      if (!Number.isFinite(value)) {
        return this.#problem(
          `Invalid value "${valueText}" in column "${this.#valueName()}"`,
          cells,
          rowNumber,
        );
      }
    }
    const node = cells[index.node] ?? "";
    if (node === "") {
      return this.#problem(`Empty node in column "${this.#ctx.header[index.node]}"`, cells, rowNumber);
    }
    let component = cells[index.component] ?? "";
    component = this.#componentMap?.[component] ?? component;
    let oprDate = index.oprDate >= 0 ? (cells[index.oprDate] ?? "").slice(0, 10) : "";
    if (oprDate !== "" && !this.#isDate(oprDate)) {
      return this.#problem(`Invalid operating date "${oprDate}"`, cells, rowNumber);
    }
    let oprHour = index.oprHour >= 0 ? parseIntOrNull(cells[index.oprHour]) : null;
    let oprInterval = index.oprInterval >= 0 ? parseIntOrNull(cells[index.oprInterval]) : null;
    if (oprHour === undefined || oprInterval === undefined) {
      const column = oprHour === undefined ? index.oprHour : index.oprInterval;
      const name = this.#ctx.header[column] ?? "OPR_HR";
      return this.#problem(`Invalid value "${cells[column]}" in column "${name}"`, cells, rowNumber);
    }
    if (oprHour === null && this.#ctx.family !== "crr_clearing" && this.#ctx.family !== "crr_inventory") {
      // XML reports carry a sequential INTERVAL_NUM instead: derive the CSV labels from the GMT start.
      const labels = this.#labelsFor(start, end);
      if (labels) {
        oprHour = labels.oprHour;
        if (oprDate === "") oprDate = labels.oprDate;
        const minutes = (Date.parse(end) - Date.parse(start)) / 60_000;
        oprInterval = minutes >= 60 ? 0 : Math.floor(labels.minuteOfHour / minutes) + 1;
      }
    }
    if (oprDate === "") oprDate = operatingDate(new Date(start));
    return {
      dataset: this.#ctx.dataset,
      report: this.#ctx.report,
      node,
      qualifier: index.qualifier.length > 0
        ? index.qualifier.map((i) => (i >= 0 ? cells[i] ?? "" : "")).join("/")
        : null,
      interval_start: start,
      interval_end: end,
      opr_date: oprDate,
      opr_hour: oprHour,
      opr_interval: oprInterval,
      component,
      value,
      raw: this.raw(cells),
      source_file: file,
      row_number: rowNumber,
    };
  }

  /** The problem of a row no cell of which can be read (`reason` names the missing columns), with its interval start when readable. */
  unreadable(reason: string, cells: readonly string[], rowNumber: number): RowProblem {
    const problem = this.#problem(reason, cells, rowNumber);
    const start = this.#iso(cells[this.#ctx.index.start] ?? "");
    return start === undefined ? problem : { ...problem, interval_start: start };
  }

  #problem(reason: string, cells: readonly string[], rowNumber: number): RowProblem {
    return { reason, raw: this.raw(cells), source_file: this.#ctx.file, row_number: rowNumber };
  }

  #iso(text: string): string | undefined {
    let iso = this.#times.get(text);
    if (iso === undefined && !this.#times.has(text)) {
      iso = gmtToIso(text);
      if (this.#times.size < 100_000) this.#times.set(text, iso);
    }
    return iso;
  }

  #isDate(text: string): boolean {
    if (text === this.#lastDate) return true;
    if (!isDateText(text)) return false;
    this.#lastDate = text;
    return true;
  }

  #valueName(): string {
    return this.#ctx.header[this.#ctx.index.value] ?? "value";
  }

  #labelsFor(start: string, end: string): Labels | undefined {
    const cached = this.#labels.get(start);
    if (cached) return cached;
    if (Date.parse(end) <= Date.parse(start)) return undefined;
    const instant = new Date(start);
    const oprDate = operatingDate(instant);
    const sinceMidnight = instant.getTime() - pacificMidnight(oprDate).getTime();
    const hourIndex = Math.floor(sinceMidnight / HOUR_MS);
    const labels = {
      oprDate,
      oprHour: hourEnding(hourIndex, hoursInDay(oprDate)),
      minuteOfHour: Math.floor((sinceMidnight % HOUR_MS) / 60_000),
    };
    this.#labels.set(start, labels);
    return labels;
  }
}

/**
 * Compiles `(cells) => ({ [header[0]]: cells[0] ?? "", … })` for one header. Header names are embedded as
 * JSON string literals, so any text in a header is safe.
 */
function compileRecord(header: readonly string[]): (cells: readonly string[]) => Record<string, string> {
  const unique = [...new Set(header)];
  if (unique.length !== header.length) {
    // Duplicate column names: the last one wins, as with plain assignment.
    return (cells) => {
      const raw: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) raw[header[i]!] = cells[i] ?? "";
      return raw;
    };
  }
  const fields = header.map((h, i) => `${JSON.stringify(h)}: c[${i}] ?? ""`).join(", ");
  return new Function("c", `"use strict"; return { ${fields} };`) as (cells: readonly string[]) => Record<
    string,
    string
  >;
}

/**
 * OASIS hour-ending label of the `hourIndex`-th hour (0-based) of a day with `hours` hours: the repeated
 * fall-back hour is 25, and HE3 does not exist on the spring-forward day.
 */
export function hourEnding(hourIndex: number, hours: number): number {
  if (hours === 25) return hourIndex < 2 ? hourIndex + 1 : hourIndex === 2 ? 25 : hourIndex;
  if (hours === 23) return hourIndex < 2 ? hourIndex + 1 : hourIndex + 2;
  return hourIndex + 1;
}

/** An empty cell is null; a cell that is not a decimal integer is `undefined` (the row is rejected). */
function parseIntOrNull(text: string | undefined): number | null | undefined {
  if (text === undefined || text === "") return null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(text);
}

/**
 * The number in a decimal text (`38.1942`, `-12.5`, `.5`, `1.2E-5`), NaN otherwise. `Number()` alone also
 * reads `0x10`, `0b11` and `0o7`, which OASIS never sends; every other text it reads is decimal or not
 * finite (`Infinity`, `1e999`), and a row with a value that is not finite is rejected.
 */
function decimal(text: string): number {
  const second = text.charCodeAt(1) | 0x20; // lower case
  if (text.charCodeAt(0) === 48 && (second === 0x78 || second === 0x62 || second === 0x6f)) return NaN;
  return Number(text);
}

/** Whether `x` is a rejected row rather than a normalized one. */
export function isProblem(x: OasisRow | RowProblem): x is RowProblem {
  return "reason" in x;
}

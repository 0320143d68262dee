/**
 * Resolves `/oasisapi/GroupZip`, which the simulator serves only for `DAM_PRC_AS_GRP` (the target of the
 * SingleZip PRC_AS redirect): one operating day of DAM AS prices. Other group ids → 1016. File names
 * follow the SPEC's GroupZip pattern (`<date>_<date>_<GROUP>_N_v<V>_<fmt>.zip`; unconfirmed for this
 * group), the member is named like a SingleZip member without the stamp.
 *
 * @module
 */
import { operatingDate } from "../src/oasis/time.ts";
import { compactDate } from "./format.ts";
import { isParamError, lowerCaseParams, readDateTime, readFormat, readVersion } from "./query_params.ts";
import type { ReportContext, Resolution } from "./resolution.ts";
import { resolveAs } from "./single_zip.ts";

/** The one group the simulator serves. */
export const DAM_PRC_AS_GROUP = "DAM_PRC_AS_GRP";

/** Resolves a GroupZip query string. */
export function resolveGroupZip(search: URLSearchParams, ctx: ReportContext): Resolution {
  const params = lowerCaseParams(search);
  if ((params.get("groupid") ?? "").toUpperCase() !== DAM_PRC_AS_GROUP) return { kind: "error", code: 1016 };
  const start = readDateTime(params, "startdatetime");
  if (isParamError(start)) return { kind: "error", code: start.error };
  const version = readVersion(params, 12);
  if (isParamError(version)) return { kind: "error", code: version.error };
  const format = readFormat(params);
  if (isParamError(format)) return { kind: "error", code: format.error };
  const day = compactDate(operatingDate(start));
  const stem = `${day}_${day}_${DAM_PRC_AS_GROUP}_N_v${version}`;
  const request = { query: "PRC_AS", marketRunId: "DAM", version, format, start, end: start, params };
  const answer = resolveAs(request, ctx);
  if (answer.kind === "error") return { ...answer, stem };
  if (answer.kind !== "report") return answer;
  return {
    ...answer,
    zipName: `${stem}_${format}.zip`,
    members: answer.members.map((m) => ({ ...m, name: `${day}_${day}_PRC_AS_DAM_v${version}.${format}` })),
  };
}

/**
 * Synthetic node names for `grp_type=ALL_APNODES` and `grp_type=ALL`: plausible CAISO-style names
 * (`ALAMIT_2_PL1X3-APND`, `CAS_PP_GNODE7`), always including the three trading hubs and the DLAPs,
 * sorted like the recorded all-APNode file. The lists depend only on the requested counts.
 *
 * @module
 */
import { mix } from "./hash.ts";

/** The trading hubs, present in every APNode list. */
export const TRADING_HUBS: readonly string[] = ["TH_NP15_GEN-APND", "TH_SP15_GEN-APND", "TH_ZP26_GEN-APND"];

/** Default load aggregation points, present in every APNode list. */
export const DLAPS: readonly string[] = [
  "DLAP_PGAE-APND",
  "DLAP_SCE-APND",
  "DLAP_SDGE-APND",
  "DLAP_VEA-APND",
];

const STEMS = [
  "AFPR",
  "AGRICO",
  "ALAMIT",
  "ALHMBR",
  "ANTLPE",
  "ARCOGN",
  "BARRE",
  "BELDEN",
  "BIGCRK",
  "BLYTHE",
  "BRDSLD",
  "BUCKWD",
  "CABZON",
  "CALPIN",
  "CARBOU",
  "CHINO",
  "COLUSA",
  "CONTAN",
  "COTWDP",
  "CRESTA",
  "DELTA",
  "DEVERS",
  "DIABLO",
  "ELCAJN",
  "ELKHIL",
  "ENCINA",
  "ETIWND",
  "FRIANT",
  "GATES",
  "GLNARM",
  "GRIFFN",
  "HELMPG",
  "HUMBPP",
  "INLDEM",
  "KERNRV",
  "KINGCR",
  "LAPLMG",
  "LODI",
  "LOSMDS",
  "MALIN",
  "MDWSLR",
  "MIRLOM",
  "MOSSLD",
  "NAVY",
  "OTAY",
  "PANOCH",
  "PITSBG",
  "REDOND",
  "SANBRN",
  "SENTNL",
  "SHASTA",
  "SUNRSE",
  "TESLA",
  "TOPAZ",
  "VALLEY",
  "VICTOR",
  "WALNUT",
  "WINDHB",
  "YALE",
];
const UNITS = [
  "UNIT",
  "UNITS",
  "GEN",
  "TOT_GEN",
  "PL1X3",
  "PL3N5",
  "QF",
  "SOLAR",
  "WIND",
  "BESS",
  "CC",
  "CT",
];
const EIM = ["AZPS", "BANC", "BPAT", "IPCO", "NEVP", "PACE", "PACW", "PGE", "PSEI", "SRP", "TEPC"];

function apnodeName(i: number): string {
  const h = mix(0x5eed, i);
  if (h % 7 === 0) {
    const a = EIM[h % EIM.length] as string;
    const b = EIM[(h >>> 8) % EIM.length] as string;
    return `${a}_${STEMS[(h >>> 16) % STEMS.length]}${(h >>> 4) % 500}_${b}_${
      h & 1 ? "E" : "I"
    }_EIMBASE-APND`;
  }
  const stem = STEMS[h % STEMS.length] as string;
  const unitName = UNITS[(h >>> 12) % UNITS.length] as string;
  return `${stem}_${1 + ((h >>> 8) % 7)}_${unitName}${(h >>> 20) % 10 || ""}-APND`;
}

function pnodeName(i: number): string {
  const h = mix(0x9a0de, i);
  const stem = STEMS[h % STEMS.length] as string;
  return `${stem}_${1 + ((h >>> 8) % 7)}_N${String((h >>> 12) % 1000).padStart(3, "0")}`;
}

function build(count: number, fixed: readonly string[], nameOf: (i: number) => string, exclude: Set<string>) {
  const names = new Set<string>(fixed);
  for (let i = 0; names.size < count; i++) {
    const name = nameOf(i);
    if (!exclude.has(name)) names.add(name);
  }
  return [...names].slice(0, count);
}

const cache = new Map<string, readonly string[]>();

/** `count` APNode names, sorted; the trading hubs come first, then the DLAPs, then synthetic names. */
export function allApnodes(count: number): readonly string[] {
  const key = `AP${count}`;
  let list = cache.get(key);
  if (!list) {
    list = build(count, [...TRADING_HUBS, ...DLAPS], apnodeName, new Set()).sort();
    cache.set(key, list);
  }
  return list;
}

/** `count` node names for `grp_type=ALL`: the `apnodeCount` APNodes plus PNodes, sorted. */
export function allNodes(count: number, apnodeCount: number): readonly string[] {
  const key = `ALL${count}/${apnodeCount}`;
  let list = cache.get(key);
  if (!list) {
    const ap = allApnodes(Math.min(apnodeCount, count));
    const pnodes = build(Math.max(0, count - ap.length), [], pnodeName, new Set(ap));
    list = [...ap, ...pnodes].sort();
    cache.set(key, list);
  }
  return list;
}

/** Whether `node` is an aggregated pricing node (OASIS names end in `-APND`). */
export function isApnode(node: string): boolean {
  return node.endsWith("-APND");
}

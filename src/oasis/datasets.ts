/**
 * The datasets oasis-stream ingests, described as data: one row per dataset with the OASIS query (or
 * queries), the version we pin, the market run, the interval length, the value column, the request-size
 * limits and the Bronze topic. Every other module reads this table; nothing else hard-codes a query name.
 *
 * Sources for each fact: `shared/OASIS.md` §1–§2 (SPEC, gridstatus, ERW).
 *
 * @module
 */

/** Names of the datasets, as used in config, topics, metrics and the CLI. */
export const DATASET_NAMES = [
  "lmp_dam",
  "lmp_fmm",
  "lmp_rtm",
  "as_dam",
  "as_fmm",
  "as_rtm",
  "crr",
] as const;

/** One dataset name. */
export type DatasetName = typeof DATASET_NAMES[number];

/** How the rows of a report are normalized: LMP by node and component, AS by region and type, CRR. */
export type ReportFamily = "lmp" | "as" | "crr_clearing" | "crr_inventory";

/** How large one request may be, in the units OASIS enforces. */
export interface WindowLimits {
  /** Longest window with an explicit node list, in operating days (OASIS: 31, error 1004). */
  readonly nodeListDays: number;
  /** Longest window with `grp_type=ALL|ALL_APNODES`: `{ hours: 1 }` or `{ days: 1 }`. */
  readonly allNodes: { readonly hours: number } | { readonly days: number };
  /** Most nodes in one `node=` parameter (OASIS: 10, error 1017). */
  readonly maxNodes: number;
}

/** One OASIS query as the client sends it. */
export interface QuerySpec {
  /** OASIS `queryname`. */
  readonly queryName: string;
  /** Pinned `version`; output columns change between versions, so it is never left to OASIS. */
  readonly version: number;
  /** `market_run_id`, absent for CRR reports. */
  readonly marketRunId?: string;
  /** Extra fixed parameters (for example `anc_type=ALL`). */
  readonly params: Readonly<Record<string, string>>;
  /** Column holding the value in CSV output (checked against the header, never assumed). */
  readonly valueColumn: string;
  /** Normalization rules for this report. */
  readonly family: ReportFamily;
  /** Whether the report takes a node list / `grp_type` (LMP) or not (AS, CRR). */
  readonly byNode: boolean;
}

/** Everything the service knows about one dataset. */
export interface DatasetSpec {
  /** Dataset name. */
  readonly name: DatasetName;
  /** One-line description for the README and logs. */
  readonly description: string;
  /** The queries fetched for this dataset (CRR has two). */
  readonly queries: readonly QuerySpec[];
  /** Interval length in minutes (CRR rows are per auction period; 1440 is the polling grain). */
  readonly intervalMinutes: number;
  /** Request limits. */
  readonly limits: WindowLimits;
  /** Default Bronze topic. */
  readonly topic: string;
  /** Default cron schedule. */
  readonly schedule: string;
}

const NODE_LIMITS_DAY: WindowLimits = { nodeListDays: 31, allNodes: { days: 1 }, maxNodes: 10 };
const NODE_LIMITS_HOUR: WindowLimits = { nodeListDays: 31, allNodes: { hours: 1 }, maxNodes: 10 };
const ONE_DAY: WindowLimits = { nodeListDays: 1, allNodes: { days: 1 }, maxNodes: 10 };

const AS_PARAMS = { anc_type: "ALL", anc_region: "ALL" } as const;
const CRR_PARAMS = { market_name: "ALL", market_term: "ALL", time_of_use: "ALL" } as const;

/** The dataset table. */
export const DATASETS: Readonly<Record<DatasetName, DatasetSpec>> = {
  lmp_dam: {
    name: "lmp_dam",
    description: "Day-ahead (IFM) hourly LMP with energy, congestion, loss and GHG components",
    queries: [{
      queryName: "PRC_LMP",
      version: 12,
      marketRunId: "DAM",
      params: {},
      valueColumn: "MW",
      family: "lmp",
      byNode: true,
    }],
    intervalMinutes: 60,
    limits: NODE_LIMITS_DAY,
    topic: "ingestion.market.caiso.lmp.dam.raw.v1",
    schedule: "0 * * * *",
  },
  lmp_fmm: {
    name: "lmp_fmm",
    description: "Fifteen-minute market (RTPD) LMP",
    queries: [{
      queryName: "PRC_RTPD_LMP",
      version: 3,
      marketRunId: "RTPD",
      params: {},
      valueColumn: "PRC",
      family: "lmp",
      byNode: true,
    }],
    intervalMinutes: 15,
    limits: NODE_LIMITS_HOUR,
    topic: "ingestion.market.caiso.lmp.fmm.raw.v1",
    schedule: "*/15 * * * *",
  },
  lmp_rtm: {
    name: "lmp_rtm",
    description: "Real-time dispatch (RTD) five-minute LMP",
    queries: [{
      queryName: "PRC_INTVL_LMP",
      version: 3,
      marketRunId: "RTM",
      params: {},
      valueColumn: "VALUE",
      family: "lmp",
      byNode: true,
    }],
    intervalMinutes: 5,
    limits: NODE_LIMITS_HOUR,
    topic: "ingestion.market.caiso.lmp.rtm.raw.v1",
    schedule: "*/5 * * * *",
  },
  as_dam: {
    name: "as_dam",
    description: "Day-ahead ancillary-service clearing prices ($/MW), hourly, every type and region",
    queries: [{
      queryName: "PRC_AS",
      version: 12,
      marketRunId: "DAM",
      params: AS_PARAMS,
      valueColumn: "MW",
      family: "as",
      byNode: false,
    }],
    intervalMinutes: 60,
    limits: ONE_DAY,
    topic: "ingestion.market.caiso.as.dam.raw.v1",
    schedule: "0 * * * *",
  },
  as_fmm: {
    name: "as_fmm",
    description: "Real-time (15-minute) ancillary-service clearing prices ($/MW)",
    queries: [{
      queryName: "PRC_INTVL_AS",
      version: 1,
      marketRunId: "RTM",
      params: AS_PARAMS,
      valueColumn: "MW",
      family: "as",
      byNode: false,
    }],
    intervalMinutes: 15,
    limits: ONE_DAY,
    topic: "ingestion.market.caiso.as.fmm.raw.v1",
    schedule: "*/15 * * * *",
  },
  as_rtm: {
    // OASIS has no 5-minute AS price: this is PRC_INTVL_AS again, polled every 5 minutes so that the
    // newest 15-minute interval arrives as soon as it is published.
    name: "as_rtm",
    description: "PRC_INTVL_AS on the 5-minute schedule (OASIS publishes no 5-minute AS price)",
    queries: [{
      queryName: "PRC_INTVL_AS",
      version: 1,
      marketRunId: "RTM",
      params: AS_PARAMS,
      valueColumn: "MW",
      family: "as",
      byNode: false,
    }],
    intervalMinutes: 15,
    limits: ONE_DAY,
    topic: "ingestion.market.caiso.as.rtm.raw.v1",
    schedule: "*/5 * * * *",
  },
  crr: {
    name: "crr",
    description: "CRR auction clearing prices and daily CRR inventory (column set provisional)",
    queries: [
      {
        queryName: "CRR_CLEARING",
        version: 1,
        params: CRR_PARAMS,
        valueColumn: "APNODE_ID_PRICE",
        family: "crr_clearing",
        byNode: false,
      },
      {
        queryName: "CRR_INVENTORY",
        version: 1,
        params: CRR_PARAMS,
        valueColumn: "MW",
        family: "crr_inventory",
        byNode: false,
      },
    ],
    intervalMinutes: 1440,
    limits: ONE_DAY,
    topic: "ingestion.market.caiso.crr.raw.v1",
    schedule: "0 4 * * *",
  },
};

/** The three CAISO trading hubs, the default node list. */
export const DEFAULT_NODES: readonly string[] = [
  "TH_NP15_GEN-APND",
  "TH_SP15_GEN-APND",
  "TH_ZP26_GEN-APND",
];

/** Node selections OASIS accepts instead of a node list. */
export type GroupType = "ALL" | "ALL_APNODES";

/** What a pricing node name may contain (checked before it goes into a request URL). */
export const NODE_NAME: RegExp = /^[A-Za-z0-9_.\-]+$/;

/** Whether `name` is one of the dataset names. */
export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/** The dataset whose queries include `queryName` and `marketRunId` (first match), if any. */
export function datasetForQuery(queryName: string, marketRunId?: string): DatasetSpec | undefined {
  return Object.values(DATASETS).find((d) =>
    d.queries.some((q) =>
      q.queryName === queryName && (marketRunId === undefined || q.marketRunId === undefined ||
        q.marketRunId === marketRunId)
    )
  );
}

/** The query spec named `queryName` across all datasets, if any. */
export function querySpec(queryName: string): QuerySpec | undefined {
  for (const d of Object.values(DATASETS)) {
    const q = d.queries.find((q) => q.queryName === queryName);
    if (q) return q;
  }
  return undefined;
}

/**
 * The files `scripts/lint_layout.ts` lets through while issue 13's refactor is under way, each with the
 * reason. Both lists only shrink: `tests/layout_test.ts` fails on an entry whose file keeps the rule.
 *
 * @module
 */

/** Files allowed over 300 lines for now: project-relative path → reason. */
export const ALLOWED_LONG_FILES: Readonly<Record<string, string>> = {
  "src/oasis/client.ts": "issue 13: owned by the src/oasis helper (301 lines)",
};

/** Files whose functions over 60 lines need no `// long:` comment for now: path → reason. */
export const ALLOWED_LONG_FUNCTIONS: Readonly<Record<string, string>> = {
  "routes/arbitrage.ts": "issue 13: createArbitrageRoutes (64), owned by the analytics helper",
  "scripts/backfill.ts": "issue 13: main (95), rewired onto openService by the service helper",
  "src/analytics/battery.ts": "issue 13: resolveBattery (64), owned by the analytics helper",
  "src/bronze/bronze_service.ts": "issue 13: createBronze (64), rewired onto openService",
  "src/jobs/deliver.ts": "issue 13: deliverWindow (70), the one fetch-and-deliver loop",
  "src/oasis/client.ts": "issue 13: #send (69), owned by the src/oasis helper",
  "src/oasis/normalize.ts": "issue 13: build (67), owned by the src/oasis helper",
  "src/oasis/xml_report.ts": "issue 13: parseXmlReport (74), owned by the src/oasis helper (one XML parser)",
  "src/store/ingest_plan.ts": "issue 13: planIngest (94), owned by the src/store helper",
  "src/store/price_points.ts": "issue 13: toPricePoints (70), owned by the src/store helper",
};

import assert from "node:assert/strict";
import { operatingDay } from "../../src/oasis/time.ts";
import { intervalsIn } from "../../simulator/intervals.ts";
import { type Market, PriceModel } from "../../simulator/prices.ts";

const MINUTES: Record<Market, number> = { DAM: 60, RTPD: 15, RTM: 5 };
const model = new PriceModel(1);

/** LMP in $/MWh at a node for 60 days of `market`, with the Pacific clock hour of each interval. */
function series(market: Market, node = "TH_SP15_GEN-APND") {
  const start = operatingDay("2026-04-01").start.getTime();
  return intervalsIn(start, start + 60 * 86_400_000, MINUTES[market]).map((iv) => ({
    hour: Math.floor(iv.clockHours),
    lmp: model.lmp(node, iv, market).lmp / 100_000,
  }));
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function roughness(values: number[]): number {
  return mean(values.slice(1).map((v, i) => Math.abs(v - (values[i] as number))));
}

Deno.test("day-ahead prices follow a duck curve: cheap midday, expensive evening", () => {
  const dam = series("DAM");
  const midday = mean(dam.filter((p) => p.hour >= 10 && p.hour < 15).map((p) => p.lmp));
  const evening = mean(dam.filter((p) => p.hour >= 18 && p.hour < 21).map((p) => p.lmp));
  const night = mean(dam.filter((p) => p.hour < 5).map((p) => p.lmp));
  assert.ok(midday < night && night < evening, `midday ${midday}, night ${night}, evening ${evening}`);
});

Deno.test("prices go negative around midday and spike over $100 in the evening now and then", () => {
  for (const market of ["DAM", "RTPD", "RTM"] as const) {
    const s = series(market);
    const negative = s.filter((p) => p.lmp < 0);
    const spikes = s.filter((p) => p.lmp > 100);
    assert.ok(
      negative.length > 0 && negative.length < s.length * 0.25,
      `${market} negatives ${negative.length}`,
    );
    const daytime = negative.filter((p) => p.hour >= 8 && p.hour < 17);
    assert.ok(daytime.length >= negative.length * 0.98, `${market} negatives are (nearly all) daytime`);
    assert.ok(spikes.length > 0 && spikes.length < s.length * 0.05, `${market} spikes ${spikes.length}`);
    assert.ok(spikes.every((p) => p.hour >= 16 && p.hour < 22), `${market} spikes are in the evening ramp`);
  }
});

Deno.test("RTM is noisier than FMM, which is noisier than DAM (per hour of change)", () => {
  const perHour = (market: Market) =>
    roughness(series(market).map((p) => p.lmp)) * Math.sqrt(60 / MINUTES[market]);
  const [dam, fmm, rtm] = [perHour("DAM"), perHour("RTPD"), perHour("RTM")];
  assert.ok(dam < fmm && fmm < rtm, `DAM ${dam}, FMM ${fmm}, RTM ${rtm}`);
});

Deno.test("lmp() is a pure function of seed, node, interval and market", () => {
  const [iv] = intervalsIn(Date.UTC(2026, 6, 1, 18), Date.UTC(2026, 6, 1, 19), 5);
  assert.ok(iv);
  const a = new PriceModel(7).lmp("ANY_NODE", iv, "RTM");
  assert.deepEqual(new PriceModel(7).lmp("ANY_NODE", iv, "RTM"), a);
  assert.notDeepEqual(new PriceModel(8).lmp("ANY_NODE", iv, "RTM"), a);
  assert.equal(a.lmp, a.mce + a.mcc + a.mcl + a.mghg);
});

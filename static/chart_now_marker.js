// The price chart's "now" marker: a vertical dashed line labelled "now" at the server's now.
/** The Chart.js plugin: options `{ at, color }`. */
export const nowMarker = {
  id: "nowMarker",
  afterDatasetsDraw(chart, _args, options) {
    const x = chart.scales.x.getPixelForValue(options.at);
    const { top, bottom, left, right } = chart.chartArea;
    if (!Number.isFinite(x) || x < left || x > right) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = options.color;
    ctx.fillStyle = options.color;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.textAlign = x > right - 30 ? "right" : "left";
    ctx.font = "11px sans-serif";
    ctx.fillText("now", x + (x > right - 30 ? -4 : 4), top + 10);
    ctx.restore();
  },
};

/**
 * The report page's script (bundled with uPlot by esbuild and inlined; type-checked with the DOM's
 * types by tsconfig.browser.json): draws every chart from the embedded data, fault windows shaded
 * and marks drawn, and says so on the page (data-drawn, data-charts-ready) for the tests.
 */
import uPlot from 'uplot';
import type { ReportData } from '../report-data.ts';

const data = JSON.parse(document.getElementById('report-data')!.textContent ?? '{}') as ReportData;
const colors = data.colors;
const color = (i: number) => colors[i % colors.length]!;

function marksPlugin(arms: ReportData['arms']): uPlot.Plugin {
  return {
    hooks: {
      drawClear: [
        (u) => {
          const { ctx } = u;
          const { top, height } = u.bbox;
          arms.forEach((arm, i) => {
            ctx.save();
            ctx.fillStyle = color(i);
            ctx.globalAlpha = 0.05;
            for (const f of arm.faults) {
              const x0 = u.valToPos(f.from, 'x', true);
              const x1 = u.valToPos(f.to, 'x', true);
              ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
            }
            ctx.restore();
          });
        },
      ],
      draw: [
        (u) => {
          const { ctx } = u;
          const { top, height } = u.bbox;
          arms.forEach((arm, i) => {
            for (const m of arm.marks) {
              const x = u.valToPos(m.t, 'x', true);
              const acted = m.kind === 'operator' || m.kind === 'human';
              ctx.save();
              ctx.strokeStyle = m.kind === 'operator' ? '#ef6c00' : m.kind === 'human' ? '#00838f' : color(i);
              ctx.globalAlpha = acted ? 0.9 : 0.35;
              ctx.lineWidth = acted ? 2 : 1;
              ctx.setLineDash(acted ? [6, 4] : [2, 3]);
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + height);
              ctx.stroke();
              ctx.restore();
            }
          });
        },
      ],
    },
  };
}

for (const chart of data.charts) {
  const el = document.getElementById(chart.id)!;
  const xs = [...new Set(chart.series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  let points = 0;
  const cols = chart.series.map((s) => {
    const byX = new Map(s.points.map((p) => [p[0], p[1]]));
    return xs.map((x) => {
      const v = byX.get(x);
      if (v === undefined) return null;
      points++;
      return v;
    });
  });
  const opts: uPlot.Options = {
    width: Math.max(320, el.clientWidth || 900),
    height: 260,
    scales: { x: { time: false } },
    axes: [{ label: 's since DynamoDB was reachable again' }, { label: chart.unit, size: 70 }],
    series: [{ label: 's' }, ...chart.series.map((s) => ({ label: s.label, stroke: color(s.arm), width: s.width ?? 1.5, ...(s.dash ? { dash: s.dash } : {}), spanGaps: true, points: { show: false } }))],
    plugins: [marksPlugin(data.arms)],
    hooks: { draw: [() => el.setAttribute('data-drawn', 'true')] },
  };
  el.setAttribute('data-points', String(points));
  new uPlot(opts, [xs, ...cols] as uPlot.AlignedData, el);
}
document.body.setAttribute('data-charts-ready', 'true');

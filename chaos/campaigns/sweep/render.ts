/**
 * A sweep as Markdown (tables) and as one self-contained HTML page (inline SVG, no script): a
 * heatmap per pair of axes (more axes: one map per combination of the rest), a curve for one
 * axis; each cell shows the measured value (a rate with its 95 % interval, a median, or the
 * runs' classes) beside the prediction.
 */
import type { GridValue } from './grid.ts';
import type { SweepCell, SweepResult } from './sweep.ts';

const fmt = (v: GridValue) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const CLASS_COLOURS: Record<string, string> = { stable: '#66bb6a', 'recovered-slowly': '#ffca28', metastable: '#ef5350' };

interface Panel {
  readonly title: string;
  readonly x: string;
  readonly y: string | null;
  readonly cells: SweepCell[];
}

function panels(r: SweepResult): Panel[] {
  const keys = Object.keys(r.grid);
  const [x, y, ...rest] = keys as [string, string | undefined, ...string[]];
  const groups = new Map<string, SweepCell[]>();
  for (const c of r.cells) {
    const k = rest.map((key) => `${key}=${fmt(c.params[key]!)}`).join(', ');
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups.entries()].map(([title, cells]) => ({ title, x, y: y ?? null, cells }));
}

/** The measured value in a few characters. */
export function measured(r: SweepResult, c: SweepCell): string {
  if (c.runs === 0) return 'not run';
  if (r.kind === 'rate') return c.rate ? `${c.rate.value.toFixed(2)} [${c.rate.low.toFixed(2)}–${c.rate.high.toFixed(2)}]` : '—';
  if (r.kind === 'number') {
    const never = c.values.filter((v) => v === null).length;
    if (c.median === null) return `never (${never} of ${c.runs})`;
    return never ? `${c.median} (${never} of ${c.runs} never)` : `${c.median}`;
  }
  return Object.entries(c.classes ?? {}).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
}

const predicted = (c: SweepCell) => (c.prediction === null ? '' : typeof c.prediction.value === 'number' ? c.prediction.value.toFixed(2) : c.prediction.value);

function find(cells: readonly SweepCell[], x: string, xv: GridValue, y: string | null, yv: GridValue | undefined): SweepCell | undefined {
  return cells.find((c) => fmt(c.params[x]!) === fmt(xv) && (y === null || fmt(c.params[y]!) === fmt(yv!)));
}

export function renderSweepMarkdown(r: SweepResult): string {
  const lines = [`# Sweep: ${r.scenario} — ${r.metric}`, '', `${r.metricDescription}. ${r.repeat} run(s) per cell on fresh labs (seeds 1–${r.repeat})${r.quick ? ', quick' : ''}${r.sets.length ? `; --set ${r.sets.join(' ')}` : ''}${r.complete ? '' : ' — INCOMPLETE: resume with the same command'}.`, ''];
  lines.push(`Each cell: measured (a rate with its 95 % Wilson interval, a median, or the runs by class)${r.cells.some((c) => c.prediction) ? ' · predicted by the analytic model' : ' (no analytic prediction for this metric yet)'}.`, '');
  for (const p of panels(r)) {
    if (p.title) lines.push(`## ${p.title}`, '');
    const xs = r.grid[p.x]!;
    const ys = p.y ? r.grid[p.y]! : [undefined];
    lines.push(`| ${p.y ?? ''} \\ ${p.x} | ${xs.map(fmt).join(' | ')} |`, `| --- | ${xs.map(() => '---').join(' | ')} |`);
    for (const yv of ys) {
      const row = xs.map((xv) => {
        const c = find(p.cells, p.x, xv, p.y, yv);
        return c ? `${measured(r, c)}${c.prediction ? ` · pred ${predicted(c)}` : ''}` : '';
      });
      lines.push(`| ${yv === undefined ? r.metric : fmt(yv)} | ${row.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push(...agreement(r));
  const costs = r.cells.map((c) => c.costMs).filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (costs.length) lines.push(`Cost: a run takes ${(costs[0]! / 1000).toFixed(0)}–${(costs.at(-1)! / 1000).toFixed(0)} s (median ${(costs[Math.floor(costs.length / 2)]! / 1000).toFixed(0)} s), so a cell of ${r.repeat} runs about ${((costs[Math.floor(costs.length / 2)]! * r.repeat) / 60_000).toFixed(1)} min; its runs took ${(r.runsMs / 60_000).toFixed(1)} min in all.`, '');
  return `${lines.join('\n')}\n`;
}

/** Whether a rate cell's prediction lies inside its measured Wilson interval (undefined: nothing to compare). */
export function agrees(c: SweepCell): boolean | undefined {
  if (!c.rate || c.runs === 0 || !c.prediction || typeof c.prediction.value !== 'number') return undefined;
  return c.prediction.value >= c.rate.low - 1e-9 && c.prediction.value <= c.rate.high + 1e-9;
}

/** For a rate map with predictions: each cell's prediction and whether the measurement agrees. */
function agreement(r: SweepResult): string[] {
  const judged = r.cells.filter((c) => agrees(c) !== undefined);
  if (r.kind !== 'rate' || !judged.length) return [];
  const label = (c: SweepCell) => Object.entries(c.params).map(([k, v]) => `${k}=${fmt(v)}`).join(', ');
  return [
    `## Prediction and measurement`,
    '',
    `The predicted rate lies inside the measured 95 % interval in **${judged.filter((c) => agrees(c)).length} of ${judged.length}** cells.`,
    '',
    '| cell | measured | predicted | why | agrees |',
    '| --- | --- | --- | --- | --- |',
    ...judged.map((c) => `| ${label(c)} | ${measured(r, c)} | ${predicted(c)} | ${c.prediction!.detail} | ${agrees(c) ? 'yes' : '**no**'} |`),
    '',
  ];
}

function colour(r: SweepResult, c: SweepCell, range: [number, number]): string {
  if (c.runs === 0) return '#eeeeee';
  if (r.kind === 'class') {
    const top = Object.entries(c.classes ?? {}).sort((a, b) => b[1] - a[1])[0];
    return top ? (CLASS_COLOURS[top[0]] ?? '#90a4ae') : '#eeeeee';
  }
  const v = r.kind === 'rate' ? (c.rate?.value ?? 0) : c.median === null ? null : (c.median - range[0]) / Math.max(1e-9, range[1] - range[0]);
  if (v === null) return '#eeeeee';
  // white → red
  const g = Math.round(255 - v * 180);
  return `rgb(255,${g},${g})`;
}

function heatmap(r: SweepResult, p: Panel): string {
  const xs = r.grid[p.x]!;
  const ys = p.y ? r.grid[p.y]! : [undefined];
  const W = 150;
  const H = 58;
  const left = 120;
  const top = 40;
  const nums = r.cells.map((c) => c.median).filter((x): x is number => x !== null);
  const range: [number, number] = [Math.min(...nums, 0), Math.max(...nums, 1)];
  const parts: string[] = [];
  xs.forEach((xv, i) => parts.push(`<text x="${left + i * W + W / 2}" y="${top - 8}" text-anchor="middle">${esc(fmt(xv))}</text>`));
  ys.forEach((yv, j) => {
    parts.push(`<text x="${left - 8}" y="${top + j * H + H / 2 + 4}" text-anchor="end">${esc(yv === undefined ? '' : fmt(yv))}</text>`);
    xs.forEach((xv, i) => {
      const c = find(p.cells, p.x, xv, p.y, yv);
      if (!c) return;
      const x = left + i * W;
      const y = top + j * H;
      const predPositive = c.prediction !== null && (r.kind === 'rate' ? Number(c.prediction.value) >= 0.5 : c.prediction.value === 'metastable' || c.prediction.value === 'never');
      parts.push(
        `<g class="cell" data-params="${esc(JSON.stringify(c.params))}" data-runs="${c.runs}"><title>${esc(`${JSON.stringify(c.params)}: ${measured(r, c)}${c.prediction ? `; predicted ${predicted(c)} (${c.prediction.detail})` : ''}`)}</title>` +
          `<rect x="${x + 2}" y="${y + 2}" width="${W - 4}" height="${H - 4}" fill="${colour(r, c, range)}" stroke="${predPositive ? '#000' : '#bbb'}" stroke-width="${predPositive ? 2.5 : 1}" ${predPositive ? 'stroke-dasharray="6 3"' : ''}/>` +
          `<text x="${x + W / 2}" y="${y + 24}" text-anchor="middle" font-size="12">${esc(measured(r, c))}</text>` +
          (c.prediction ? `<text x="${x + W / 2}" y="${y + 42}" text-anchor="middle" font-size="11" fill="#333">pred ${esc(predicted(c))}</text>` : '') +
          `</g>`,
      );
    });
  });
  const width = left + xs.length * W + 10;
  const height = top + ys.length * H + 30;
  parts.push(`<text x="${left + (xs.length * W) / 2}" y="${height - 6}" text-anchor="middle" font-weight="600">${esc(p.x)}</text>`);
  if (p.y) parts.push(`<text x="14" y="${top + (ys.length * H) / 2}" transform="rotate(-90 14 ${top + (ys.length * H) / 2})" text-anchor="middle" font-weight="600">${esc(p.y)}</text>`);
  return `<svg class="heatmap" viewBox="0 0 ${width} ${height}" width="${Math.min(1200, width)}" font-family="system-ui, sans-serif" font-size="13">${parts.join('')}</svg>`;
}

export function renderSweepHtml(r: SweepResult): string {
  const maps = panels(r)
    .map((p) => `<section>${p.title ? `<h2>${esc(p.title)}</h2>` : ''}${heatmap(r, p)}</section>`)
    .join('');
  const legend =
    r.kind === 'class'
      ? Object.entries(CLASS_COLOURS).map(([k, c]) => `<span class="sw" style="background:${c}"></span>${k}`).join(' ')
      : r.kind === 'rate'
        ? 'white: rate 0 → red: rate 1'
        : 'white: lowest median → red: highest';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Sweep ${esc(r.scenario)} — ${esc(r.metric)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1250px;padding:0 16px;color:#222}.sw{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}</style></head>
<body><h1>Sweep: ${esc(r.scenario)} — ${esc(r.metric)}</h1>
<p>${esc(r.metricDescription)}. ${r.repeat} run(s) per cell on fresh labs${r.complete ? '' : ' — <b>incomplete</b>: resume with the same command'}.</p>
<p>Each cell: measured (${r.kind === 'rate' ? 'rate [95 % Wilson interval]' : r.kind === 'number' ? 'median' : 'runs by class'}) and, below, the analytic prediction; a dashed black border marks the cells the model predicts ${r.kind === 'class' ? 'metastable' : r.kind === 'rate' ? 'at ≥ 0.5' : ''}. Colour: ${legend}.</p>
${maps}
<pre>${esc(renderSweepMarkdown(r).split('\n').filter((l) => l.startsWith('Cost')).join('\n'))}</pre>
</body></html>
`;
}

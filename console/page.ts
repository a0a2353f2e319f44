/**
 * The console's one page: uPlot, its styles and the client inlined (it works offline and asks
 * nothing of anyone but this console), with the game's configuration — charts, every act from
 * the registry with its settings as JSON Schema, the causes to choose from — embedded as JSON.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actFields, GAME_ACTS } from '../game/acts/index.ts';
import { CAUSES } from '../game/causes.ts';
import { DEBRIEF_CSS } from '../game/debrief-render.ts';
import type { ChartDef, ConsoleConfig } from './messages.ts';
import { browserScript } from '../chaos/reporters/html/browser-bundle.ts';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

export interface PageOptions {
  readonly title: string;
  readonly secret: string;
  readonly blind: boolean;
  readonly charts: readonly ChartDef[];
  /** How a responder can look at the record themselves (dig against the lab's CoreDNS). */
  readonly dig: string;
  /** Why nothing can be acted on (a watched scripted game day, a replay), if so. */
  readonly watchOnly?: string;
}

export function renderConsolePage(o: PageOptions): string {
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const client = browserScript(join(here, 'client', 'main.ts'));
  const config: ConsoleConfig = {
    secret: o.secret,
    blind: o.blind,
    watchOnly: o.watchOnly ?? null,
    charts: o.charts,
    acts: GAME_ACTS.map((a) => ({ act: a.act, label: a.label, description: a.description, role: a.role, confirm: a.confirm ?? null, phases: a.phases, schema: actFields(a) })),
    causes: CAUSES.map((c) => ({ id: c.id, label: c.label })),
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(o.title)}</title>
<style>${uplotCss}
*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{display:flex;gap:16px;align-items:center;padding:8px 16px;background:#263238;color:#fff}
header h1{font-size:18px;margin:0}#phase{padding:2px 10px;border-radius:10px;background:#546e7a;font-weight:600}
#phase[data-phase=running]{background:#c62828}#phase[data-phase=ready]{background:#2e7d32}#phase[data-phase=over],#phase[data-phase=ended]{background:#6a1b9a}
#clock{font-variant-numeric:tabular-nums}#who{margin-left:auto}#who input{width:130px}
main{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:12px;padding:12px}
.panel{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin-bottom:12px}
.panel h2{font-size:15px;margin:4px 0 8px}.charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px}
.chart h3{font-size:13px;margin:2px 0}.plot{width:100%;min-height:200px}
#feed{list-style:none;margin:0;padding:0;max-height:420px;overflow:auto;font-size:13px}#feed li{padding:3px 0;border-bottom:1px solid #eee}
#feed time{font-variant-numeric:tabular-nums;color:#555;margin-right:4px}#feed .rel{color:#888;margin-right:6px;font-variant-numeric:tabular-nums}
.k-human{color:#00838f;font-weight:600}.k-fault{color:#ef6c00}.k-alert{color:#c62828;font-weight:600}.k-note{color:#6a1b9a;font-style:italic}.k-game{color:#263238;font-weight:600}
button{font:inherit;padding:5px 10px;margin:3px;border-radius:4px;border:1px solid #90a4ae;background:#eceff1;cursor:pointer}button:disabled{opacity:.4;cursor:not-allowed}
button.danger{background:#ffebee;border-color:#c62828}button.primary{background:#e0f2f1;border-color:#00838f}
#toast{min-height:20px;font-size:13px}#toast.err{color:#c62828}#toast.ok{color:#2e7d32}
#note-text{width:100%;min-height:50px}#pager{list-style:none;margin:0;padding:0;font-size:13px}#pager li{padding:3px 6px;margin:2px 0;border-radius:4px;background:#ffebee;color:#b71c1c;font-weight:600}#pager li.quiet{background:none;color:#2e7d32;font-weight:400}#map svg{max-width:100%;height:auto}code{background:#eceff1;padding:1px 4px;border-radius:3px}
dialog{border:1px solid #90a4ae;border-radius:8px;max-width:520px}dialog label{display:block;margin:6px 0}dialog input[type=text],dialog input[type=number],dialog select{width:100%}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f5f5f5}
.pass{color:#2e7d32}.fail{color:#c62828}
${DEBRIEF_CSS}
</style></head>
<body>
<header><h1>${esc(o.title)}</h1><span id="phase" data-phase="starting">starting</span><span id="clock"></span>${o.blind ? '<span title="the console shows what typical monitoring of the day showed">BLIND</span>' : ''}
<span id="who">You are <input id="by" value="responder" maxlength="60" aria-label="your name"></span></header>
<main>
<div>
<div id="debrief-slot"></div>
<section class="panel"><h2>What the monitoring shows</h2><div class="charts">${o.charts.map((c) => `<section class="chart"><h3>${esc(c.title)}</h3><div id="chart-${c.id}" class="plot" data-points="0"></div></section>`).join('')}</div></section>
<section class="panel"><h2>Topology</h2><div id="map"></div></section>
</div>
<aside>
<section class="panel" id="controls"><h2>Runbook and controls</h2>
${o.watchOnly ? `<p>${esc(o.watchOnly)}</p>` : ''}
<div id="acts-facilitator"><b>Facilitator</b><br></div>
<div id="acts-responder"><b>Responders</b><br></div>
<div id="toast" role="status"></div>
<p style="font-size:12px;color:#555">Look at the record yourself: <code>${esc(o.dig)}</code></p>
</section>
<section class="panel" id="pager-panel"><h2>Pager (the lab's Alertmanager)</h2><ul id="pager"><li class="quiet">no alert firing</li></ul></section>
<section class="panel"><h2>Scribe</h2><textarea id="note-text" placeholder="a note, stamped with the time"></textarea><br><button id="note-add">Add note</button></section>
<section class="panel"><h2>Events</h2><ol id="feed"></ol></section>
</aside>
</main>
<dialog id="confirm"><h3 id="confirm-title"></h3><p id="confirm-text"></p><div id="confirm-fields"></div>
<button id="confirm-cancel">Cancel</button><button id="confirm-ok" class="primary">Confirm</button></dialog>
<script id="console-config" type="application/json">${scriptJson(config)}</script>
<script>${client}</script>
</body></html>
`;
}

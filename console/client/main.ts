/**
 * The console page's script (bundled with uPlot by esbuild and inlined; type-checked with the
 * DOM's types by tsconfig.browser.json): follows the game's message stream (EventSource, which
 * reconnects by itself and resumes with Last-Event-ID), draws the charts, the feed, the topology
 * map, the pager and the debrief, and sends acts as same-origin JSON POSTs with the game's secret.
 */
import uPlot from 'uplot';
import type { ActDef, ChartDef, ConsoleConfig, ConsoleMessage, JsonSchema } from '../messages.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const cfg = JSON.parse($('console-config').textContent ?? '{}') as ConsoleConfig;
const COLORS = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#5d4037', '#455a64'];

interface Chart {
  readonly def: ChartDef;
  readonly el: HTMLElement;
  readonly u: uPlot;
  readonly series: Record<string, [number, number][]>;
  dirty: boolean;
  points: number;
}

const state = {
  phase: 'starting',
  startedTs: null as number | null,
  live: false,
  latencies: [] as number[],
  messages: 0,
  marks: [] as { x: number; kind: string; label: string }[],
  windows: {} as Record<string, { from: number; to: number | null; label: string }>,
  charts: {} as Record<string, Chart>,
  pages: {} as Record<string, { ts: number; summary: string }>,
};

const byInput = $<HTMLInputElement>('by');
try {
  byInput.value = localStorage.getItem('outage-lab-by') || byInput.value;
} catch {
  /* storage off */
}
byInput.addEventListener('change', () => {
  try {
    localStorage.setItem('outage-lab-by', byInput.value);
  } catch {
    /* storage off */
  }
});

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (ts: number) => {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
function rel(ts: number): string {
  if (state.startedTs === null) return '';
  const s = Math.round((ts - state.startedTs) / 1000);
  const a = Math.abs(s);
  return `T${s < 0 ? '−' : '+'}${Math.floor(a / 60)}:${pad(a % 60)}`;
}

// --- charts ---------------------------------------------------------------------------------
const marksPlugin = (): uPlot.Plugin => ({
  hooks: {
    drawClear: [
      (u) => {
        const { ctx } = u;
        for (const w of Object.values(state.windows)) {
          const x0 = u.valToPos(w.from, 'x', true);
          const x1 = u.valToPos(w.to === null ? Date.now() / 1000 : w.to, 'x', true);
          ctx.save();
          ctx.fillStyle = '#ef6c00';
          ctx.globalAlpha = 0.08;
          ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
          ctx.restore();
        }
      },
    ],
    draw: [
      (u) => {
        const { ctx } = u;
        for (const m of state.marks) {
          const x = u.valToPos(m.x, 'x', true);
          ctx.save();
          ctx.strokeStyle = m.kind === 'human' ? '#00838f' : m.kind === 'scripted' ? '#ef6c00' : '#9e9e9e';
          ctx.lineWidth = m.kind === 'milestone' ? 1 : 2;
          ctx.setLineDash(m.kind === 'milestone' ? [2, 3] : [6, 4]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        }
      },
    ],
  },
});

for (const c of cfg.charts) {
  const el = $(`chart-${c.id}`);
  const u = new uPlot(
    {
      width: Math.max(300, el.clientWidth || 440),
      height: 200,
      scales: { x: { time: true } },
      axes: [{}, { label: c.unit, size: 60 }],
      series: [{}, ...c.series.map((s, i) => ({ label: s, stroke: COLORS[i % COLORS.length]!, width: 1.5, spanGaps: true, points: { show: false } }))],
      plugins: [marksPlugin()],
    },
    [[], ...c.series.map(() => [])],
    el,
  );
  state.charts[c.id] = { def: c, el, u, series: Object.fromEntries(c.series.map((s) => [s, []])), dirty: false, points: 0 };
}

function redraw(): void {
  for (const ch of Object.values(state.charts)) {
    if (!ch.dirty) continue;
    ch.dirty = false;
    const xs = [...new Set(ch.def.series.flatMap((s) => ch.series[s]!.map((p) => p[0])))].sort((a, b) => a - b);
    const cols = ch.def.series.map((s) => {
      const byX = new Map(ch.series[s]!.map((p) => [p[0], p[1]]));
      return xs.map((x) => byX.get(x) ?? null);
    });
    ch.u.setData([xs, ...cols] as uPlot.AlignedData);
    ch.el.setAttribute('data-points', String(ch.points));
  }
}
setInterval(redraw, 250);
window.addEventListener('resize', () => {
  for (const ch of Object.values(state.charts)) ch.u.setSize({ width: Math.max(300, ch.el.clientWidth), height: 200 });
});
const dirtyAll = () => {
  for (const ch of Object.values(state.charts)) ch.dirty = true;
};

// --- messages -------------------------------------------------------------------------------
const feed = $('feed');
function addFeed(m: { ts: number; kind: string; text: string }): void {
  const li = document.createElement('li');
  li.className = `k-${m.kind}`;
  li.setAttribute('data-kind', m.kind);
  const t = document.createElement('time');
  t.textContent = clock(m.ts);
  t.dateTime = new Date(m.ts).toISOString();
  const r = document.createElement('span');
  r.className = 'rel';
  r.textContent = rel(m.ts);
  const x = document.createElement('span');
  x.textContent = m.text;
  li.append(t, r, x);
  feed.insertBefore(li, feed.firstChild);
}

function setPhase(p: string, reason?: string): void {
  state.phase = p;
  const el = $('phase');
  el.textContent = p + (reason ? `: ${reason}` : '');
  el.setAttribute('data-phase', p);
  document.querySelectorAll<HTMLButtonElement>('button[data-act]').forEach((b) => {
    const a = cfg.acts.find((x) => x.act === b.getAttribute('data-act'));
    b.disabled = !!cfg.watchOnly || !a || !a.phases.includes(p);
  });
}

function drawPager(): void {
  const ul = $('pager');
  ul.innerHTML = '';
  const names = Object.keys(state.pages);
  if (!names.length) {
    const q = document.createElement('li');
    q.className = 'quiet';
    q.textContent = 'no alert firing';
    ul.appendChild(q);
    return;
  }
  for (const n of names) {
    const li = document.createElement('li');
    li.setAttribute('data-alert', n);
    li.textContent = `${clock(state.pages[n]!.ts)} ${n} — ${state.pages[n]!.summary}`;
    ul.appendChild(li);
  }
}

function onMessage(m: ConsoleMessage & { h?: number }): void {
  state.messages++;
  // The delay from the history recording an event to this page drawing it.
  if (state.live && typeof m.h === 'number') state.latencies.push(Date.now() - m.h);
  switch (m.k) {
    case 'pt': {
      const ch = state.charts[m.c];
      const s = ch?.series[m.s];
      if (!ch || !s) return;
      s.push([Math.round(m.ts / 100) / 10, m.y]);
      ch.points++;
      ch.dirty = true;
      return;
    }
    case 'feed':
      return addFeed(m);
    case 'mark':
      state.marks.push({ x: m.ts / 1000, kind: m.kind, label: m.label });
      return dirtyAll();
    case 'window': {
      const w = state.windows[m.id];
      if (m.open) state.windows[m.id] = { from: m.ts / 1000, to: null, label: m.label };
      else if (w) w.to = m.ts / 1000;
      return dirtyAll();
    }
    case 'map':
      $('map').innerHTML = m.svg;
      return;
    case 'page':
      if (m.firing) state.pages[m.alertname] = { ts: m.ts, summary: m.summary };
      else delete state.pages[m.alertname];
      return drawPager();
    case 'state':
      if (m.phase === 'running' && state.startedTs === null) state.startedTs = m.ts;
      return setPhase(m.phase, m.reason);
    case 'debrief':
      $('debrief-slot').innerHTML = m.html;
      setPhase('over');
      document.body.setAttribute('data-debrief', 'shown');
      return;
    case 'reset':
      for (const ch of Object.values(state.charts)) {
        for (const s of Object.keys(ch.series)) ch.series[s] = [];
        ch.points = 0;
        ch.dirty = true;
      }
      state.marks = [];
      state.windows = {};
      state.startedTs = null;
      feed.innerHTML = '';
      state.pages = {};
      drawPager();
      addFeed({ ts: m.ts, kind: 'game', text: `now: ${m.name}` });
      return;
  }
}

setInterval(() => {
  $('clock').textContent = clock(Date.now()) + (state.startedTs !== null ? `  ${rel(Date.now())}` : '');
}, 500);

const es = new EventSource(`/events?k=${encodeURIComponent(cfg.secret)}`);
es.onmessage = (ev: MessageEvent<string>) => onMessage(JSON.parse(ev.data) as ConsoleMessage);
es.addEventListener('live', () => {
  state.live = true;
  redraw();
  document.body.setAttribute('data-live', 'true');
});
es.onerror = () => {
  state.live = false;
  document.body.setAttribute('data-live', 'false');
};

// --- acts -----------------------------------------------------------------------------------
const toast = $('toast');
function say(text: string, ok: boolean): void {
  toast.textContent = text;
  toast.className = ok ? 'ok' : 'err';
}

async function send(act: string, settings: Record<string, unknown>): Promise<{ status: number; body: { error?: string } } | undefined> {
  try {
    const r = await fetch('/api/act', { method: 'POST', headers: { 'content-type': 'application/json', 'x-outage-lab-secret': cfg.secret }, body: JSON.stringify({ act, by: byInput.value, ...settings }) });
    const body = (await r.json()) as { error?: string };
    if (r.status === 200) say(`${act}: done`, true);
    else say(`${act}: ${body.error}`, false);
    return { status: r.status, body };
  } catch (err) {
    say(`${act}: ${(err as Error).message}`, false);
    return undefined;
  }
}

interface Field {
  readonly label: HTMLLabelElement;
  read(): unknown;
}

function option(select: HTMLSelectElement, value: string, text: string): void {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  select.appendChild(o);
}

/** One setting of an act as a form field, from its JSON Schema (defaults filled in, so a button pressed as it comes does what its label says). */
function fieldFor(name: string, schema: JsonSchema, required: boolean): Field {
  const s = schema.anyOf?.find((x) => x.type !== 'null') ?? schema;
  const nullable = !!schema.anyOf?.some((x) => x.type === 'null');
  const label = document.createElement('label');
  label.textContent = `${name}${required ? '' : ' (optional)'} `;
  let input: HTMLInputElement | HTMLSelectElement;
  if (name === 'cause') {
    // The choice starts empty: confirming without reading must not name the right cause.
    const select = document.createElement('select');
    option(select, '', '— choose what broke —');
    for (const c of cfg.causes) option(select, c.id, c.label);
    select.value = '';
    input = select;
  } else if (s.enum) {
    const select = document.createElement('select');
    for (const v of s.enum) option(select, String(v), String(v));
    if (schema.default !== undefined) select.value = String(schema.default);
    input = select;
  } else {
    const box = document.createElement('input');
    if (s.type === 'boolean') {
      box.type = 'checkbox';
      box.checked = schema.default === true;
    } else if (s.type === 'number' || s.type === 'integer') {
      box.type = 'number';
      if (typeof schema.default === 'number') box.value = String(schema.default);
    } else {
      box.type = 'text';
      if (s.type === 'object') box.placeholder = `JSON, e.g. ${JSON.stringify(Object.fromEntries(Object.keys(s.properties ?? {}).map((k) => [k, 0])))}`;
      if (typeof schema.default === 'string') box.value = schema.default;
    }
    input = box;
  }
  input.name = name;
  input.setAttribute('data-field', name);
  label.appendChild(input);
  return {
    label,
    read() {
      if (s.type === 'boolean') return (input as HTMLInputElement).checked;
      if (input.value === '') return nullable ? null : undefined;
      if (s.type === 'number' || s.type === 'integer') return Number(input.value);
      if (s.type === 'object') {
        try {
          return JSON.parse(input.value) as unknown;
        } catch {
          return input.value;
        }
      }
      return input.value;
    },
  };
}

const dialog = $<HTMLDialogElement>('confirm');
let pending: (() => unknown) | null = null;
function ask(a: ActDef): void {
  const props = a.schema.properties ?? {};
  const required = a.schema.required ?? [];
  const fields = Object.keys(props).map((n) => ({ name: n, f: fieldFor(n, props[n]!, required.includes(n)) }));
  if (!a.confirm && fields.length === 0) return void send(a.act, {});
  $('confirm-title').textContent = a.label;
  $('confirm-text').textContent = a.confirm || a.description;
  const box = $('confirm-fields');
  box.innerHTML = '';
  for (const x of fields) box.appendChild(x.f.label);
  pending = () => {
    const settings: Record<string, unknown> = {};
    for (const x of fields) {
      const v = x.f.read();
      if (v !== undefined) settings[x.name] = v;
    }
    return send(a.act, settings);
  };
  dialog.setAttribute('data-act', a.act);
  dialog.showModal();
}
$('confirm-ok').addEventListener('click', () => {
  dialog.close();
  pending?.();
  pending = null;
});
$('confirm-cancel').addEventListener('click', () => {
  dialog.close();
  pending = null;
  say('cancelled', true);
});
for (const a of cfg.acts) {
  if (a.role === 'scribe') continue;
  const b = document.createElement('button');
  b.textContent = a.label;
  b.title = a.description;
  b.setAttribute('data-act', a.act);
  if (a.act === 'emergency-stop' || a.act === 'end') b.className = 'danger';
  if (a.act === 'start') b.className = 'primary';
  b.addEventListener('click', () => ask(a));
  $(`acts-${a.role === 'facilitator' ? 'facilitator' : 'responder'}`).appendChild(b);
}
const noteBtn = $('note-add');
noteBtn.setAttribute('data-act', 'note');
noteBtn.addEventListener('click', () => {
  const t = $<HTMLTextAreaElement>('note-text');
  void send('note', { text: t.value }).then((r) => {
    if (r?.status === 200) t.value = '';
  });
});
setPhase('starting');

// For tests and for anyone curious: what the console has drawn.
(window as unknown as { __console: unknown }).__console = {
  state,
  chartData: (id: string) => {
    const ch = state.charts[id];
    return ch ? (JSON.parse(JSON.stringify(ch.series)) as unknown) : null;
  },
};

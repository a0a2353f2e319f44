/**
 * The blast-radius map as inline SVG: the topology's components in columns by dependency depth,
 * edges from each component to what it depends on, coloured by what the history says failed
 * because of what (orange: hit by a scripted fault; red: impaired as a consequence; green: fine).
 */
import type { BlastRadius } from '../../story/index.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `unwatched`: components drawn grey, "not monitored" (what a dashboard of the day did not show). */
export function blastMapSvg(b: BlastRadius, title: string, unwatched: readonly string[] = []): string {
  const W = 150;
  const H = 46;
  const GAPX = 60;
  const GAPY = 16;
  const cols = new Map<number, string[]>();
  for (const n of b.nodes) cols.set(n.depth, [...(cols.get(n.depth) ?? []), n.name]);
  const pos = new Map<string, { x: number; y: number }>();
  const depths = [...cols.keys()].sort((a, c) => a - c);
  // Dependents on the left, their dependencies on the right: impact flows right to left.
  const maxDepth = Math.max(...depths);
  for (const d of depths) cols.get(d)!.forEach((name, i) => pos.set(name, { x: 10 + (maxDepth - d) * (W + GAPX), y: 30 + i * (H + GAPY) }));
  const width = 20 + (maxDepth + 1) * (W + GAPX) - GAPX;
  const height = 40 + Math.max(...[...cols.values()].map((c) => c.length)) * (H + GAPY);
  const imp = new Map(b.impaired.map((i) => [i.component, i]));
  const parts: string[] = [];
  for (const n of b.nodes) {
    for (const dep of n.dependsOn) {
      const a = pos.get(n.name)!;
      const c = pos.get(dep)!;
      const causal = imp.get(n.name)?.causes.includes(dep) ?? false;
      parts.push(
        `<line x1="${a.x + W}" y1="${a.y + H / 2}" x2="${c.x}" y2="${c.y + H / 2}" stroke="${causal ? '#c62828' : '#bbb'}" stroke-width="${causal ? 3 : 1}"${causal ? ' marker-start="url(#arrow)"' : ''}/>`,
      );
    }
  }
  for (const n of b.nodes) {
    const p = pos.get(n.name)!;
    const i = imp.get(n.name);
    const hidden = !i && unwatched.includes(n.name);
    const fill = hidden ? '#f5f5f5' : !i ? '#e8f5e9' : i.origin === 'scripted' ? '#ffe0b2' : '#ffcdd2';
    const stroke = hidden ? '#bdbdbd' : !i ? '#43a047' : i.origin === 'scripted' ? '#ef6c00' : '#c62828';
    const sub = hidden ? 'not monitored' : i ? `${(i.fromMs / 1000).toFixed(1)} s · ${i.origin}` : 'not impaired';
    const tip = i ? `${n.name}: ${i.what}${i.causes.length ? ` (because of ${i.causes.join(', ')})` : ''}` : `${n.name}: ${hidden ? 'not monitored' : 'not impaired'}`;
    parts.push(
      `<g class="node" data-component="${esc(n.name)}" data-state="${hidden ? 'unknown' : i ? i.origin : 'ok'}"><title>${esc(tip)}</title><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="2"/>` +
        `<text x="${p.x + W / 2}" y="${p.y + 19}" text-anchor="middle" font-weight="600">${esc(n.name)}</text><text x="${p.x + W / 2}" y="${p.y + 36}" text-anchor="middle" font-size="11" fill="#444">${esc(sub)}</text></g>`,
    );
  }
  return (
    `<svg class="blast-map" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="100%" font-family="system-ui, sans-serif" font-size="13">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="0" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#c62828"/></marker></defs>` +
    `<text x="10" y="18" font-weight="600">${esc(title)}</text>${parts.join('')}</svg>`
  );
}

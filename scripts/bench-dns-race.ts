/**
 * Benchmark for the DNS race: runs `dns-race` for seeds 1..N with safeguards off and on, prints
 * a table and writes reports/bench-dns-race.json.
 * Usage: npm run bench:dns-race [-- --seeds 20 --modes off,on]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { abortOnSignals } from '../cli/signals.ts';
import { table } from '../cli/table.ts';
import { runScenario, type RunSummary } from '../chaos/run/runner.ts';
import { loadScenario } from '../chaos/experiment/scenario.ts';
import { labContext } from '../lab/lab.ts';
import { PROJECT_ROOT } from '../core/paths.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const seeds = Number(arg('--seeds', '20'));
const modes = arg('--modes', 'off,on').split(',');
if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100 || modes.some((m) => m !== 'on' && m !== 'off')) {
  process.stderr.write('bench-dns-race: --seeds 1..100, --modes off,on\n');
  process.exit(2);
}
const outRoot = join(PROJECT_ROOT, 'reports', 'bench-dns-race');
const rows: Record<string, unknown>[] = [];
// Ctrl-C ends the current run cleanly (faults healed, lab stopped) and skips the rest.
const { signal } = abortOnSignals((l) => process.stderr.write(`[bench-dns-race] ${l}\n`));
for (const mode of modes) {
  for (let seed = 1; seed <= seeds && !signal.aborted; seed++) {
    const scenario = loadScenario('dns-race', [`safeguards=${mode}`]);
    const started = performance.now();
    const s: RunSummary = await runScenario(scenario, { seed, outDir: join(outRoot, `${mode}-seed${seed}`), lab: labContext(), log: () => {}, signal });
    const row = {
      safeguards: mode,
      seed,
      verdict: s.verdict,
      emptyRecordPublished: s.dns.emptyRecordPublished,
      emptyAtMs: s.dns.emptyAtMs === null ? null : Math.round(s.dns.emptyAtMs),
      detectionMs: s.dns.detectionMs,
      restoredAtMs: s.dns.restoredAtMs === null ? null : Math.round(s.dns.restoredAtMs),
      errorRateBefore: s.customers.beforeFaults.errorRate,
      errorRateWhileEmpty: s.customers.whileEmpty.errorRate,
      appliesFailedWhileEmpty: s.enactors.appliesFailedWhileEmpty,
      delayedStaleRejected: s.enactors.delayedStaleRejected,
      writesAcknowledged: s.writes.acknowledged,
      writesLost: s.writes.lost,
      wallMs: Math.round(performance.now() - started),
    };
    rows.push(row);
    process.stderr.write(`[bench-dns-race] safeguards=${mode} seed ${seed}: empty=${row.emptyRecordPublished} detection=${row.detectionMs ?? '-'} ms lost=${row.writesLost} wall=${(row.wallMs / 1000).toFixed(1)} s\n`);
  }
}
const byMode = Object.fromEntries(
  modes.map((m) => {
    const r = rows.filter((x) => x.safeguards === m);
    const det = r.map((x) => x.detectionMs as number | null).filter((x): x is number => x !== null);
    return [
      m,
      {
        runs: r.length,
        emptyRecordPublished: r.filter((x) => x.emptyRecordPublished).length,
        detectionMsMax: det.length ? Math.max(...det) : null,
        detectionMsMedian: det.length ? det.sort((a, b) => a - b)[Math.floor((det.length - 1) / 2)] : null,
        delayedStaleRejected: r.filter((x) => (x.delayedStaleRejected as number) > 0).length,
        writesLost: r.reduce((a, x) => a + (x.writesLost as number), 0),
        wallMsMax: Math.max(...r.map((x) => x.wallMs as number)),
      },
    ];
  }),
);
mkdirSync(outRoot, { recursive: true });
writeFileSync(join(PROJECT_ROOT, 'reports', 'bench-dns-race.json'), JSON.stringify({ byMode, runs: rows }, null, 2));
const fmt = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v));
process.stdout.write(`${table(Object.keys(rows[0]!), rows.map((r) => Object.values(r).map(fmt)))}\n\n`);
for (const [m, v] of Object.entries(byMode)) process.stdout.write(`safeguards ${m}: ${JSON.stringify(v)}\n`);
process.stdout.write('→ reports/bench-dns-race.json\n');

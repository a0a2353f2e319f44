/**
 * The monitoring on the real lab: `run us-east-1 --monitoring prometheus` (Prometheus, the
 * blackbox exporter and Alertmanager, Debian's builds, on loopback) — whose run also carries the
 * whole arc's test (it replaced chaos/scenarios/us-east-1's own run) — pages on the empty record
 * within two evaluation intervals while the typical resolution alert stays silent; every stage's
 * alert fires in the incident's order and is resolved; CoreDNS killed makes the typical alert
 * fire; the Grafana dashboard's queries run on the real Prometheus; and `down` leaves none of the
 * monitoring behind, in both runtimes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertFigure } from '../chaos/analysis/alerts.ts';
import { readHistory } from '../chaos/history/history.ts';
import { assertTriggered } from '../chaos/history/premise.ts';
import type { RunSummary } from '../chaos/run/journal.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { leftovers, testSettings, whyRunFailed } from '../lab/testing.ts';
import { resolveProgram } from '../lab/tools.ts';
import { buildTopology, component, hostPort } from '../topology/topology.ts';
import { renderDashboard } from './grafana.ts';
import { PANELS } from './panels.ts';
import { EVALUATION_INTERVAL_MS } from './render.ts';

const SLOT = 214;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const { env, home } = testSettings(SLOT);
const root = mkdtempSync(join(tmpdir(), 'monitoring-'));
const cli = (args: string[], timeout = 240_000) => execa(process.execPath, [BIN, ...args], { env, reject: false, timeout });
afterAll(async () => {
  await cli(['down']);
  rmSync(root, { recursive: true, force: true });
});

const alert = (s: RunSummary, name: string): AlertFigure => s.alerts.alerts.find((a) => a.alertname === name)!;

describe('--monitoring prometheus (real Prometheus, blackbox exporter, Alertmanager)', { timeout: 400_000 }, () => {
  // One us-east-1 run serves two tests (a lab is the suite's dearest resource): the whole arc
  // (chaos/scenarios/us-east-1.yaml's own assertions) and the monitoring's pages.
  const out = join(root, 'us-east-1');
  let arc: { wallMs: number; exitCode: number | undefined; stderr: string } | undefined;
  const usEast1 = async () => {
    if (!arc) {
      const started = performance.now();
      const r = await cli(['run', 'us-east-1', '--monitoring', 'prometheus', '--seed', '1', '--out', out, '--report', 'md,json']);
      arc = { wallMs: performance.now() - started, exitCode: r.exitCode, stderr: r.stderr };
    }
    assertTriggered(readHistory(join(out, 'timeline.ndjson')), 'us-east-1 with monitoring');
    expect(arc.exitCode, whyRunFailed(out, arc.stderr)).toBe(0);
    return { s: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary, wallMs: arc.wallMs };
  };

  it('us-east-1, the whole arc: every milestone in the incident order, NLB targets removed and re-added while the backlog drains, no write lost, in under 3 minutes', async () => {
    const { s, wallMs } = await usEast1();
    expect(wallMs).toBeLessThan(180_000);
    const names = s.recovery.milestones.map((m) => m.name);
    for (const m of ['dns.empty', 'dns.detected', 'leases.lapsing', 'dns.restored', 'dynamodb.healthy', 'leases.all-valid', 'network.backlog.drained', 'nlb.targets.restored', 'launches.slo']) expect(names).toContain(m);
    expect(s.checks).toContainEqual(expect.objectContaining({ name: 'milestones-in-order', status: 'pass' }));
    expect(s.nlb.targetsRemoved).toBeGreaterThan(0);
    expect(s.nlb.targetsReadded).toBeGreaterThan(0);
    const h = readHistory(join(out, 'timeline.ndjson'));
    const building = h.find((e) => e.type === 'netmgr.backlog.building' && e.t >= s.herd.reachableAtMs!)!.t;
    const drained = s.recovery.milestones.find((m) => m.name === 'network.backlog.drained')!.atMs;
    const flaps = h.filter((e) => (e.type === 'nlb.target.removed' || e.type === 'nlb.target.readded') && e.t >= building && e.t <= drained + 2000);
    expect(flaps.some((e) => e.type === 'nlb.target.removed')).toBe(true);
    expect(flaps.some((e) => e.type === 'nlb.target.readded')).toBe(true);
    expect(s.writes.lost).toBe(0);
  });

  it('us-east-1: the empty-answer alert fires within two evaluations of the empty record, the typical one never; every stage in order; all resolved', async () => {
    const { s } = await usEast1();
    const check = s.checks.find((c) => c.name === 'alerts-in-order')!;
    expect(check.status, check.detail).toBe('pass');
    const empty = alert(s, 'DynamoDBEndpointHasNoAddresses');
    expect(empty.fromTriggerMs!).toBeLessThanOrEqual(2 * EVALUATION_INTERVAL_MS);
    const typical = alert(s, 'DynamoDBResolutionFailing');
    expect(typical.firedWhileEmpty).toBe(false);
    expect(typical.firings).toBe(0);
    process.stderr.write(
      `[monitoring.test] empty record → lesson-03 alert ${empty.fromTriggerMs} ms (canary ${s.dns.detectionMs} ms); ` +
        s.alerts.alerts.filter((a) => a.firedAtMs !== null).map((a) => `${a.alertname} +${a.fromTriggerMs} ms`).join(', ') +
        '\n',
    );
    for (const a of s.alerts.alerts) if (a.firings > 0) expect(a.resolved, a.alertname).toBe(true);
    // The pager holds through the collapse (keep_firing_for): one page for the leases, not one per missed scrape.
    expect(alert(s, 'DWFMLeasesLapsing').firings).toBe(1);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Time to alert');
    expect(md).toMatch(/\| DynamoDBResolutionFailing \| typical \| 1 \| never \(silent\) \|/);
    expect(md).toContain('| AWS: the empty record identified |');
    // The rendered configuration sits in the run folder; nothing listens off loopback.
    expect(existsSync(join(out, 'lab', 'monitoring', 'prometheus.yml'))).toBe(true);
  });

  it('CoreDNS killed: the typical resolution alert fires, so its silence above is the lesson, not a dead rule', async () => {
    const out = join(root, 'coredns-down');
    const r = await cli(['run', 'coredns-down', '--monitoring', 'prometheus', '--seed', '1', '--out', out, '--report', 'json']);
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    const typical = alert(s, 'DynamoDBResolutionFailing');
    expect(typical.firings).toBeGreaterThan(0);
    expect(typical.resolved).toBe(true);
    expect(alert(s, 'DynamoDBEndpointHasNoAddresses').firings).toBeGreaterThan(0);
  });

  for (const runtime of ['local', 'docker'] as const) {
    it(`${runtime}: up --monitoring prometheus runs every dashboard query on the real Prometheus; down leaves no Prometheus, exporter or Alertmanager`, async () => {
      try {
        const up = await cli(['up', '--monitoring', 'prometheus', '--runtime', runtime], 120_000);
        expect(up.exitCode, up.stderr.slice(-2000)).toBe(0);
        for (const c of ['prometheus', 'blackbox', 'alertmanager']) expect(up.stdout, c).toContain(c);
        const prometheus = `http://${hostPort(component(buildTopology({ slot: SLOT, monitoring: true }), 'prometheus'))}`;
        await new Promise((res) => setTimeout(res, 1500));
        for (const p of PANELS) {
          for (const t of p.targets) {
            const q = await execa(resolveProgram('promtool'), ['query', 'instant', prometheus, t.expr], { reject: false });
            expect(q.exitCode, `${p.title}: ${t.expr}: ${q.stderr}`).toBe(0);
          }
        }
        // The probes work against the lab's CoreDNS: both succeed on a healthy record.
        const probes = await execa(resolveProgram('promtool'), ['query', 'instant', prometheus, 'probe_success'], { reject: false });
        expect(probes.stdout).toMatch(/job="dns-nonempty".*=> 1 /);
        expect(probes.stdout).toMatch(/job="dns-resolves".*=> 1 /);
        // Everything Prometheus scrapes is up but the harness (no run, no harness).
        const up0 = await execa(resolveProgram('promtool'), ['query', 'instant', prometheus, 'up == 0'], { reject: false });
        expect(up0.stdout.trim().split('\n').filter(Boolean).map((l) => /job="([^"]+)"/.exec(l)?.[1])).toEqual(['harness']);
      } finally {
        const down = await cli(['down'], 60_000);
        expect(down.exitCode, down.stderr).toBe(0);
      }
      const left = await leftovers(SLOT, home);
      expect(left).toEqual({ processes: [], containers: [], listeners: [] });
    });
  }

  it('the committed Grafana dashboard is the one the panels give', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'monitoring', 'grafana', 'outage-lab.json'), 'utf8')).toBe(renderDashboard());
  });
});

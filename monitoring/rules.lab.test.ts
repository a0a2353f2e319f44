/**
 * The monitoring's configuration against the real tools (Debian's promtool and amtool, the
 * blackbox exporter's own check): the rendered Prometheus, Alertmanager and blackbox files are
 * valid, every rule passes its promtool unit tests (each with a firing and a non-firing case),
 * and a rule file with a typo fails — the suite's guard is not a rubber stamp.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveProgram } from '../lab/tools.ts';
import { processSpecs } from '../lab/processes.ts';
import { runLayout } from '../topology/layout.ts';
import { buildTopology } from '../topology/topology.ts';
import { shippedRules } from '../chaos/observe/harness-exporter.ts';
import { RULES_DIR } from './render.ts';

const dir = mkdtempSync(join(tmpdir(), 'monitoring-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const promtool = () => resolveProgram('promtool');

/** The lab's monitoring files, rendered from the topology into a run folder. */
function render(): Record<string, string> {
  const { files } = processSpecs(buildTopology({ slot: 7, monitoring: true }), runLayout(dir));
  const out: Record<string, string> = {};
  for (const f of files) {
    if (!f.path.includes('/monitoring/')) continue;
    const rel = f.path.slice(f.path.indexOf('/monitoring/') + 1);
    out[rel] = f.content;
  }
  return out;
}

describe('monitoring configuration (real promtool, amtool, blackbox exporter)', () => {
  it('renders a Prometheus configuration promtool accepts, with its rules, every service, CoreDNS, Toxiproxy, the harness and both DNS probes', async () => {
    const files = render();
    for (const [rel, content] of Object.entries(files)) {
      const p = join(dir, rel);
      await execa('mkdir', ['-p', join(p, '..')]);
      writeFileSync(p, content);
    }
    const r = await execa(promtool(), ['check', 'config', join(dir, 'monitoring', 'prometheus.yml')], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS: 8 rules found');
    const cfg = parse(files['monitoring/prometheus.yml']!) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[]; global: Record<string, string> };
    expect(cfg.global).toMatchObject({ scrape_interval: '500ms', evaluation_interval: '1s' });
    expect(cfg.scrape_configs.map((j) => j.job_name)).toEqual(['services', 'coredns', 'toxiproxy', 'harness', 'dns-resolves', 'dns-nonempty', 'monitoring']);
    // Everything it scrapes is on the lab's loopback addresses.
    for (const j of cfg.scrape_configs) for (const sc of j.static_configs ?? []) for (const t of sc.targets) expect(t, j.job_name).toMatch(/^127\.7\.\d+\.\d+:\d+$/);
    const services = cfg.scrape_configs[0]!.static_configs!.length;
    expect(services).toBe(buildTopology().components.filter((c) => c.kind === 'service').length);
  });

  it('renders an Alertmanager configuration amtool accepts, routing to the harness webhook', async () => {
    const r = await execa(resolveProgram('amtool'), ['check-config', join(dir, 'monitoring', 'alertmanager.yml')], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'monitoring', 'alertmanager.yml'), 'utf8')).toContain('url: http://127.7.8.10:9100/alerts');
  });

  it('renders blackbox modules the exporter accepts: the typical one and the lesson-03 one', async () => {
    const r = await execa(resolveProgram('prometheus-blackbox-exporter'), [`--config.file=${join(dir, 'monitoring', 'blackbox.yml')}`, '--config.check'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const bb = parse(readFileSync(join(dir, 'monitoring', 'blackbox.yml'), 'utf8')) as { modules: Record<string, { dns: Record<string, unknown> }> };
    expect(Object.keys(bb.modules)).toEqual(['dns_resolves', 'dns_nonempty']);
    expect(bb.modules.dns_resolves!.dns.validate_answer_rrs).toBeUndefined();
    expect(bb.modules.dns_nonempty!.dns.validate_answer_rrs).toBeDefined();
  });

  it('passes promtool test rules: every rule with a case that fires and one that does not', async () => {
    const r = await execa(promtool(), ['test', 'rules', join(RULES_DIR, 'outage-lab.rules.test.yml')], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('SUCCESS');
    // Each rule appears in a test that expects it to fire and one that expects silence.
    const tests = parse(readFileSync(join(RULES_DIR, 'outage-lab.rules.test.yml'), 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const rule of shippedRules()) {
      expect(cases.some((c) => c.alertname === rule.alertname && c.exp_alerts.length > 0), `${rule.alertname} fires`).toBe(true);
      expect(cases.some((c) => c.alertname === rule.alertname && c.exp_alerts.length === 0), `${rule.alertname} stays silent`).toBe(true);
    }
  });

  it('fails on a rule file with a typo, and on rules that do not hold their page', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'rules-typo-'));
    try {
      copyFileSync(join(RULES_DIR, 'outage-lab.rules.test.yml'), join(broken, 'outage-lab.rules.test.yml'));
      // A metric name misspelt: the lesson-03 rule watches a series that does not exist.
      writeFileSync(join(broken, 'outage-lab.rules.yml'), readFileSync(join(RULES_DIR, 'outage-lab.rules.yml'), 'utf8').replace('probe_success{job="dns-nonempty"} == 0', 'probe_sucess{job="dns-nonempty"} == 0'));
      const r = await execa(promtool(), ['test', 'rules', join(broken, 'outage-lab.rules.test.yml')], { reject: false });
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout + r.stderr).toContain('DynamoDBEndpointHasNoAddresses');
      // And a syntax typo is caught by check rules.
      writeFileSync(join(broken, 'outage-lab.rules.yml'), readFileSync(join(RULES_DIR, 'outage-lab.rules.yml'), 'utf8').replace('max(dwfm_leases_lapsed) > 0', 'max(dwfm_leases_lapsed > 0'));
      const c = await execa(promtool(), ['check', 'rules', join(broken, 'outage-lab.rules.yml')], { reject: false });
      expect(c.exitCode).not.toBe(0);
      // Without keep_firing_for the page flaps: the missed-scrape and flicker cases fail.
      writeFileSync(join(broken, 'outage-lab.rules.yml'), readFileSync(join(RULES_DIR, 'outage-lab.rules.yml'), 'utf8').replace(/^ +keep_firing_for: .*\n/gm, ''));
      const flap = await execa(promtool(), ['test', 'rules', join(broken, 'outage-lab.rules.test.yml')], { reject: false });
      expect(flap.exitCode).not.toBe(0);
      expect(flap.stdout + flap.stderr).toContain('leases lapsing through missed scrapes');
      expect(flap.stdout + flap.stderr).toContain('customer error rate flickering');
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});

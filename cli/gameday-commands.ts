import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { labContext } from '../lab/lab.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { log } from './lab-commands.ts';
import { addOnKubernetesOptions, onKubernetes, type OnFlags } from './kubernetes-options.ts';
import { MONITORING_HELP, monitoringOption, portOption } from './options.ts';
import { abortOnSignals } from './signals.ts';
import { table } from './table.ts';

const collect = (v: string, all: string[]) => [...all, v];

/** The console for a scripted game day: it shows every arm as it runs; nothing can be acted on. */
async function watchConsole(slot: number, port: string | undefined, say: (line: string) => void) {
  const [{ openConsole }, { buildTopology }] = await Promise.all([import('../console/open.ts'), import('../topology/topology.ts')]);
  const why = 'this console watches a scripted game day: its runbook is scripted, nothing can be acted on';
  const c = await openConsole({
    topology: buildTopology({ slot }),
    title: 'Game day (scripted)',
    blind: false,
    port: portOption(port),
    watchOnly: why,
    act: async () => ({ status: 409, body: { error: why } }),
    state: () => ({ phase: 'scripted' }),
  });
  say(`console: ${c.server.url}`);
  process.stdout.write(`console: ${c.server.url}\n`);
  return c;
}

export function registerGamedayCommands(program: Command): void {
  const gameday = program
    .command('gameday')
    .description('the us-east-1 outage once per arm (naive, full-jitter, the best configuration, a no-throttle control) with live progress; writes reports/<timestamp>/ and exits 1 when a check or the regression gate fails')
    .option('--arms <list>', 'comma-separated arms (default: naive, full-jitter, best, naive-no-throttle and the SDK modes sdk-standard, sdk-standard-2026, sdk-adaptive; with --quick: naive,full-jitter,best)')
    .option('--quick', 'the arc scaled down (10,000 leases, 6 s leases): under 3 minutes')
    .option('--out <dir>', 'folder for the reports (default reports/<timestamp>, with reports/latest pointing at it)')
    .option('--baseline <file>', "a comparison.json to gate on: exit 1 naming every figure that regressed beyond its tolerance")
    .option('--report <list>', 'files to write: md, html, json, junit', 'md,html,json,junit')
    .option('--set <key=value>', 'a setting for every arm; repeatable', collect, [])
    .option('--seed <n>', 'the seed every arm uses', '1')
    .option('--runtime <name>', 'local (child processes) or docker (host-network containers)', 'local')
    .option('--load <generator>', 'builtin, or k6 (RunInstances and NLB traffic from loadtests/k6/; needs k6 on PATH)', 'builtin')
    .option('--no-progress', 'no live status display')
    .option('--monitoring <prometheus|off>', MONITORING_HELP, 'off')
    .option('--service <file>', "a service file: put your own service through every arm with its workload and SLO (docs/your-service.md); repeatable", collect, [])
    .option('--console', 'also serve the live console (watch only) on 127.0.0.1; its URL is printed')
    .option('--port <n>', "the console's port (default 8600 + the lab slot; 0: any free port)");
  addOnKubernetesOptions(gameday).action(async (o: OnFlags & { arms?: string; quick?: boolean; out?: string; baseline?: string; report: string; set: string[]; seed: string; runtime: string; load: string; progress: boolean; monitoring: string; service: string[]; console?: boolean; port?: string }) => {
      const [{ runGameday }, { DEFAULT_ARMS }, { reportersByName }, { ProgressReporter }, { parseRuntimeName }] = await Promise.all([
        import('../chaos/campaigns/gameday/gameday.ts'),
        import('../chaos/campaigns/gameday/arms.ts'),
        import('../chaos/reporters/index.ts'),
        import('../chaos/reporters/progress.ts'),
        import('../lab/runtimes/index.ts'),
      ]);
      const quick = o.quick === true;
      const arms = o.arms ? o.arms.split(',').map((s) => s.trim()).filter(Boolean) : [...DEFAULT_ARMS[quick ? 'quick' : 'full']];
      if (!/^\d+$/.test(o.seed)) throw new InputError(`--seed ${o.seed}: expected a whole number`);
      const reporters = reportersByName(o.report);
      const runtime = parseRuntimeName(o.runtime);
      const services = o.service.length ? (await import('../user-services/service-file.ts')).loadServiceFilesFor(o.service, o.on === 'kubernetes' ? 'kubernetes' : runtime) : [];
      const load = (await import('../loadtests/k6.ts')).parseLoadGenerator(o.load);
      const reportsDir = join(PROJECT_ROOT, 'reports');
      const outDir = resolve(o.out ?? join(reportsDir, new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '')));
      let position = '';
      const progress = o.progress ? new ProgressReporter({ position: () => position }) : undefined;
      const say = progress ? (line: string) => progress.log(`[outage-lab] ${line}`) : log;
      const { signal, dispose } = abortOnSignals(say);
      const lab = labContext();
      const k8s = await onKubernetes(o, lab, say, signal);
      if (k8s) {
        const unsupported = [o.console && '--console', monitoringOption(o.monitoring) && '--monitoring prometheus', load !== 'builtin' && '--load k6', runtime !== 'local' && '--runtime'].filter(Boolean);
        if (unsupported.length) throw new InputError(`${unsupported.join(', ')}: not with --on kubernetes (each arm's lab runs in its own pod, from the runner image)`);
      }
      if (k8s && o.manifests) {
        const [{ manifests, shardsOf, podGuests }, { manifestsYaml }, { armScenario, resolveArms }] = await Promise.all([import('../kubernetes/jobs/executors.ts'), import('../kubernetes/jobs/manifests.ts'), import('../chaos/campaigns/gameday/gameday.ts')]);
        const planned = resolveArms(arms).map((arm) => ({ arm, scenario: armScenario(arm, { quick, sets: o.set }), outDir: '', expectedMs: arm.expectedMs[quick ? 'quick' : 'full'] }));
        process.stdout.write(manifestsYaml(manifests(k8s, 'gameday', shardsOf.gameday(planned, Number(o.seed), services), await podGuests(k8s, services, { manifestsOnly: true }))));
        dispose();
        return;
      }
      const watch = o.console ? await watchConsole(lab.slot, o.port, say) : undefined;
      try {
        const started = Date.now();
        const r = await runGameday({
          arms,
          quick,
          seed: Number(o.seed),
          outDir,
          latestLink: o.out ? undefined : join(reportsDir, 'latest'),
          baseline: o.baseline,
          sets: o.set,
          reporters,
          live: [...(progress ? [progress] : []), ...(watch ? [watch.reporter] : [])],
          lab,
          runtime,
          load,
          monitoring: monitoringOption(o.monitoring),
          services,
          log: say,
          ...(k8s
            ? {
                executor: (await import('../kubernetes/jobs/executors.ts')).gamedayOnKubernetes(k8s, { seed: Number(o.seed), reporters, armLine: (await import('../chaos/campaigns/gameday/gameday.ts')).armLine, services }),
                where: `on Kubernetes (${k8s.target.namespace}, ${k8s.parallel} at a time)`,
              }
            : {}),
          signal,
          onArm: (i, n) => (position = `arm ${i}/${n}`),
        });
        progress?.close();
        const c = r.report.comparison;
        const rows = c.arms.map((a) => [
          a.name,
          a.verdict.toUpperCase(),
          a.metastable ? 'yes' : 'no',
          a.recoveredBy ?? 'never',
          a.ttrMs === null ? '—' : `${a.ttrMs}`,
          a.ratioToBound === null ? '—' : `${a.ratioToBound}`,
          a.amplification === null ? '—' : `${a.amplification}`,
          `${a.customerErrorSeconds}`,
        ]);
        process.stdout.write(
          `\nGame day ${r.verdict.toUpperCase()} in ${((Date.now() - started) / 1000).toFixed(0)} s — capacity bound M / C = ${c.capacityBoundMs} ms\n\n` +
            `${table(['arm', 'verdict', 'metastable', 'recovered by', 'ttr ms', '× bound', 'amplification', 'customer error-s'], rows)}\n` +
            (r.report.gate ? `\nregression gate: ${r.report.gate.pass ? 'PASS' : 'FAIL'}${r.report.gate.findings.filter((f) => f.regressed).map((f) => `\n  REGRESSED ${f.detail}`).join('')}\n` : '') +
            `\n${r.files.map((f) => `  ${f}`).join('\n')}\n`,
        );
        process.exitCode = r.interrupted ? 130 : r.verdict === 'pass' ? 0 : 1;
      } finally {
        progress?.close();
        await watch?.server.close();
        dispose();
      }
    });

  registerGate(program);
}

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description("analyse a run's or a game day's stored history again with this checkout's code and rewrite its reports")
    .argument('<folder>', 'a run folder (timeline.ndjson, summary.json) or a game day folder (comparison.json, arms/)')
    .option('--report <list>', 'files to write: md, html, json, junit', 'md,html,json,junit')
    .action(async (folder: string, o: { report: string }) => {
      const [{ reanalyse }, { reportersByName }] = await Promise.all([import('../chaos/campaigns/report.ts'), import('../chaos/reporters/index.ts')]);
      if (!existsSync(folder)) throw new InputError(`${folder} does not exist: give a run or game day folder`);
      const r = await reanalyse(resolve(folder), reportersByName(o.report));
      process.stdout.write(`${r.files.map((f) => `  ${f}`).join('\n')}\n`);
      if (r.gameday) process.exitCode = r.gameday.comparison.arms.every((a) => a.verdict === 'pass') && (r.gameday.gate?.pass ?? true) ? 0 : 1;
    });
}

/** `gate` */
function registerGate(program: Command): void {
  program
    .command('gate')
    .description('the regression gate on its own: compare a game day\'s comparison.json with a baseline; exit 1 naming each figure that regressed')
    .argument('<comparison>', 'comparison.json of the game day to judge')
    .requiredOption('--baseline <file>', 'the comparison.json to hold it to')
    .option('--json', 'print the gate result as JSON')
    .action(async (file: string, o: { baseline: string; json?: boolean }) => {
      const { gate, readBaseline, TOLERANCES } = await import('../chaos/campaigns/gameday/gate.ts');
      if (!existsSync(file)) throw new InputError(`${file} does not exist: give the comparison.json of a game day (reports/latest/comparison.json)`);
      const current = readBaseline(file);
      const result = gate(current, readBaseline(o.baseline), o.baseline);
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        process.stdout.write(`regression gate: ${result.pass ? 'PASS' : 'FAIL'} (tolerances: ${Object.entries(TOLERANCES).map(([k, t]) => `${k} +${t.relative * 100} % +${t.absolute}`).join(', ')})\n`);
        for (const f of result.findings) process.stdout.write(`  ${f.regressed ? 'REGRESSED' : 'ok'} ${f.detail}\n`);
        for (const n of result.notes) process.stdout.write(`  note: ${n}\n`);
      }
      process.exitCode = result.pass ? 0 : 1;
    });
}

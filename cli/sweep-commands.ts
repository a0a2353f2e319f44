import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { labContext } from '../lab/lab.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { log } from './lab-commands.ts';
import { addOnKubernetesOptions, onKubernetes, type OnFlags } from './kubernetes-options.ts';
import { abortOnSignals } from './signals.ts';

const collect = (v: string, all: string[]) => [...all, v];

export function registerSweepCommands(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('run a scenario over a grid of settings, every cell N times on fresh labs; writes sweep.json, sweep.md and sweep.html (a heatmap or curve with the prediction); resumable')
    .argument('<scenario>', 'a shipped scenario (race-map, herd-map, herd, …) or a YAML file')
    .option('--grid <key=v1,v2,…>', 'an axis: a setting or scenario path and its values; repeatable; a+b=1+10,2+20 moves two keys together', collect, [])
    .option('--repeat <n>', 'runs per cell (seeds 1..n); default 5, 2 with --quick')
    .option('--metric <name>', 'what to measure: empty-record, metastable, herd-class, reestablish-ratio (default: the scenario\'s)')
    .option('--set <key=value>', 'a setting for every cell; repeatable', collect, [])
    .option('--quick', "the scenario's quick settings (shorter windows, smaller fleet) and 2 runs per cell")
    .option('--out <dir>', 'folder for the sweep (default reports/sweep-<scenario>-<timestamp>); an existing sweep there is resumed')
    .option('--runtime <name>', 'local or docker', 'local')
    .option('--service <file>', "a service file put through every run (docs/your-service.md); --grid service.load=…, service.env.X=…, service.<field>=… set it per cell; the metric defaults to service-metastable");
  addOnKubernetesOptions(sweep).action(async (name: string, o: OnFlags & { grid: string[]; repeat?: string; metric?: string; set: string[]; quick?: boolean; out?: string; runtime: string; service?: string }) => {
      const [{ parseGrid, cells }, { runSweep }, { renderSweepMarkdown, renderSweepHtml }, { parseRuntimeName }, fs] = await Promise.all([
        import('../chaos/campaigns/sweep/grid.ts'),
        import('../chaos/campaigns/sweep/sweep.ts'),
        import('../chaos/campaigns/sweep/render.ts'),
        import('../lab/runtimes/index.ts'),
        import('node:fs'),
      ]);
      const grid = parseGrid(o.grid);
      const quick = o.quick === true;
      const repeat = o.repeat === undefined ? (quick ? 2 : 5) : Number(o.repeat);
      if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new InputError(`--repeat ${o.repeat}: expected a whole number from 1 to 100`);
      const runtime = parseRuntimeName(o.runtime);
      const service = o.service ? (await import('../user-services/service-file.ts')).loadServiceFilesFor([o.service], o.on === 'kubernetes' ? 'kubernetes' : runtime)[0] : undefined;
      const outDir = resolve(o.out ?? join(PROJECT_ROOT, 'reports', `sweep-${name.replace(/[^a-z0-9-]/gi, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}`));
      const sets = o.set;
      const lab = labContext();
      const { signal, dispose } = abortOnSignals(log);
      try {
        const k8s = await onKubernetes(o, lab, log, signal);
        if (k8s && runtime !== 'local') throw new InputError('--runtime: a shard runs its lab with the local runtime inside its pod; leave --runtime out with --on kubernetes');
        if (k8s && o.manifests) {
          const [{ manifests, shardsOf, podGuests, sweepServices }, { manifestsYaml }, { planSweep }] = await Promise.all([import('../kubernetes/jobs/executors.ts'), import('../kubernetes/jobs/manifests.ts'), import('../chaos/campaigns/sweep/sweep.ts')]);
          const runs = planSweep({ scenario: name, grid, repeat, sets, quick, outDir: '/tmp/outage-lab-sweep', ...(service ? { service } : {}) });
          // A service's image is built (not imported) so the pod's container can name it.
          process.stdout.write(manifestsYaml(manifests(k8s, 'sweep', shardsOf.sweep(runs), await podGuests(k8s, sweepServices(runs), { manifestsOnly: true }))));
          return;
        }
        log(`sweep ${name}: ${cells(grid).length} cells × ${repeat} runs → ${outDir}${k8s ? ` (on Kubernetes, ${k8s.parallel} at a time)` : ''}`);
        const executor = k8s ? (await import('../kubernetes/jobs/executors.ts')).sweepOnKubernetes(k8s) : undefined;
        const r = await runSweep({ scenario: name, grid, repeat, metric: o.metric, sets, quick, outDir, lab, runtime, log: (l) => log(l), signal, ...(service ? { service } : {}), ...(executor ? { executor } : {}) });
        fs.writeFileSync(join(outDir, 'sweep.md'), renderSweepMarkdown(r));
        fs.writeFileSync(join(outDir, 'sweep.html'), renderSweepHtml(r));
        process.stdout.write(`\n${renderSweepMarkdown(r)}\n  ${join(outDir, 'sweep.json')}\n  ${join(outDir, 'sweep.md')}\n  ${join(outDir, 'sweep.html')}\n`);
        if (!r.complete) {
          log(`interrupted: ${r.cells.reduce((a, c) => a + c.runs, 0)} runs kept; resume with the same command and --out ${outDir}`);
          process.exitCode = 130;
        }
      } finally {
        dispose();
      }
    });
}

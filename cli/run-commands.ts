import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { labContext, labStatus } from '../lab/lab.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { table } from './table.ts';
import { RETRY_CONFIGURATION_NAMES } from '../user-services/sdk-retry/configurations.ts';

// The commands below load what they need when they run, so `up`/`down`/`status` start fast.
const chaos = {
  markdown: () => import('../chaos/reporters/markdown.ts'),
  reporters: () => import('../chaos/reporters/index.ts'),
  operator: () => import('../chaos/experiment/operator/index.ts'),
  runner: () => import('../chaos/run/runner.ts'),
  scenario: () => import('../chaos/experiment/scenario.ts'),
  bench: () => import('../chaos/campaigns/bench/recovery.ts'),
  benchTrigger: () => import('../chaos/campaigns/bench/trigger.ts'),
  benchService: () => import('../chaos/campaigns/bench/service.ts'),
  benchSdks: () => import('../chaos/campaigns/bench/sdks.ts'),
  modelCheck: () => import('../services/enactor/model-check.ts'),
  runtimes: () => import('../lab/runtimes/index.ts'),
};
import { buildTopology } from '../topology/topology.ts';
import { log } from './lab-commands.ts';
import { MONITORING_HELP, monitoringOption } from './options.ts';
import { abortOnSignals } from './signals.ts';

const collect = (v: string, all: string[]) => [...all, v];

function intOption(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new InputError(`${name} ${raw}: expected a whole number from ${min} to ${max}`);
  return n;
}

export function registerRunCommands(program: Command): void {
  registerRun(program);
  const bench = program.command('bench').description('benchmarks: commands that print figures and write JSON');
  registerBenchRecovery(bench);
  registerBenchTrigger(bench);
  registerBenchService(bench);
  registerBenchSdks(bench);
  const runbook = program.command('runbook').description("the operators' runbook actions, against the lab that `up` started");
  registerRunbookRestoreDns(runbook);
  const check = program.command('check').description('model checks of the shipping code');
  registerCheckEnactor(check);
}

/** `run` */
function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a scenario (e.g. dns-race) on a fresh lab; exit 0 when its checks pass, 1 when they fail, 2 on bad input')
    .argument('<scenario>', 'a shipped scenario name (dns-race) or a path to a YAML file')
    .option('--set <key=value>', 'override a setting (safeguards=on) or any scenario field by dotted path; with --service, service.* keys set every service file (service.load=0.5 scales its rates); repeatable', collect, [])
    .option('--seed <n>', 'seed for every random choice (logged; default: from the clock)')
    .option('--out <dir>', 'run folder for summary.json, timeline.ndjson, report.md and lab logs')
    .option('--json', 'print summary.json instead of the report')
    .option('--report <list>', 'files to write: md, html, json, junit (comma-separated)', 'md,json')
    .option('--runtime <name>', 'local (child processes) or docker (host-network containers)', 'local')
    .option('--load <generator>', 'builtin, or k6 (RunInstances and NLB traffic from loadtests/k6/; needs k6 on PATH)', 'builtin')
    .option('--monitoring <prometheus|off>', MONITORING_HELP, 'off')
    .option('--quick', "the scenario's quick settings (its `quick:` list; us-east-1: 10,000 leases that lapse in 6 s)")
    .option('--service <file>', "a service file: put your own service through the run with its workload and SLO (docs/your-service.md); repeatable", collect, [])
    .action(async (name: string, opts: { set: string[]; seed?: string; out?: string; json?: boolean; report: string; runtime: string; load: string; monitoring: string; quick?: boolean; service: string[] }) => {
      const [{ loadScenario, splitSets }, { runScenario }, { renderRunReport }, { reportersByName }, { parseRuntimeName }] = await Promise.all([
        chaos.scenario(),
        chaos.runner(),
        chaos.markdown(),
        chaos.reporters(),
        chaos.runtimes(),
      ]);
      const sets = splitSets(opts.set);
      const scenario = loadScenario(name, sets.scenario, { quick: opts.quick === true });
      if (sets.service.length && !opts.service.length) throw new InputError(`--set ${sets.service[0]![0]}: service.* keys set the service files, and no --service was given`);
      const serviceFiles = opts.service.length ? await import('../user-services/service-file.ts') : null;
      const services = serviceFiles ? serviceFiles.loadServiceFilesFor(opts.service, opts.runtime).map((s) => serviceFiles.withServiceSets(s, sets.service, '--set')) : [];
      const reporters = reportersByName(opts.report);
      const runtime = parseRuntimeName(opts.runtime);
      const load = (await import('../loadtests/k6.ts')).parseLoadGenerator(opts.load);
      const monitoring = monitoringOption(opts.monitoring);
      const seed = opts.seed === undefined ? Date.now() % 1_000_000 : intOption('--seed', opts.seed, 0, 2 ** 31 - 1);
      const outDir = opts.out ?? join(PROJECT_ROOT, 'reports', 'runs', `${scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}-seed${seed}`);
      const { signal, dispose } = abortOnSignals(log);
      try {
        const summary = await runScenario(scenario, { seed, outDir, lab: labContext(), log, signal, reporters, runtime, load, monitoring, services });
        process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `\n${renderRunReport(summary)}`);
        log(`run folder: ${outDir}`);
        process.exitCode = summary.status === 'interrupted' ? 130 : summary.verdict === 'pass' ? 0 : 1;
      } finally {
        dispose();
      }
    });

}

/** `bench recovery` */
function registerBenchRecovery(bench: Command): void {
  bench
    .command('recovery')
    .description('run the herd scenario for each strategy (same outage, load and seeds) and compare re-establishment time with the capacity bound M / C')
    .option('--strategies <list>', 'comma-separated; each a strategy, optionally name:setting=value;… e.g. full-jitter:dwfm.concurrency=40', 'naive,full-jitter')
    .option('--repeat <n>', 'runs per strategy (seeds 1..n)', '3')
    .option('--leases <m>', 'droplets M (default: the scenario\'s 20000)')
    .option('--set <key=value>', 'a setting for every run; repeatable', collect, [])
    .option('--out <dir>', 'folder for bench.json and the runs')
    .option('--runtime <name>', 'local (child processes) or docker (host-network containers)', 'local')
    .action(async (o: { strategies: string; repeat: string; leases?: string; set: string[]; out?: string; runtime: string }) => {
      const [{ benchRecovery, parseStrategySpec }, { parseRuntimeName }] = await Promise.all([chaos.bench(), chaos.runtimes()]);
      const runtime = parseRuntimeName(o.runtime);
      // Specs are separated by commas; a spec's own settings by semicolons.
      const specs = o.strategies.split(/,(?=[a-z-]+(?::|$|,))/).map((x) => parseStrategySpec(x.replace(/;/g, ',')));
      const repeat = intOption('--repeat', o.repeat, 1, 50);
      const leases = o.leases === undefined ? undefined : intOption('--leases', o.leases, 1, 2_000_000);
      const outDir = o.out ?? join(PROJECT_ROOT, 'reports', `bench-recovery-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const { signal, dispose } = abortOnSignals(log);
      try {
        const r = await benchRecovery({ specs, repeat, leases, sets: o.set, outDir, lab: labContext(), log, signal, runtime });
        const fmt = (v: number | null) => (v === null ? '—' : String(v));
        const rows = Object.entries(r.strategies).map(([name, v]) => [
          name,
          `${fmt(v.reestablishMs.median)} / ${fmt(v.reestablishMs.min)} / ${fmt(v.reestablishMs.max)}`,
          fmt(v.ratioToBound.median),
          `${v.recovered}/${v.runs.length}`,
          `${v.metastable}/${v.runs.length}`,
          `${v.runs.filter((x) => x.recoveredAfterThrottle).length}/${v.runs.length}`,
          fmt(v.amplification.median),
        ]);
        process.stdout.write(
          `\nRecovery of ${r.leases} leases, capacity C = ${r.capacityPerSec} ops/s, capacity bound M / C = ${r.capacityBoundMs} ms (${(r.wallMs / 1000).toFixed(0)} s in all)\n\n` +
            `${table(['strategy', 're-establish ms median / min / max', '× bound', 'recovered', 'metastable', 'needed throttle', 'amplification'], rows)}\n\n→ ${join(outDir, 'bench.json')}\n`,
        );
        if (signal.aborted) process.exitCode = 130;
      } finally {
        dispose();
      }
    });

}

/** `bench trigger` */
function registerBenchTrigger(bench: Command): void {
  bench
    .command('trigger')
    .description('does the closed-loop trigger empty the record every time? us-east-1 at its quick size, N runs each stopped at the empty record (or the trigger giving up), optionally with the cores kept busy')
    .option('--runs <n>', 'runs (seeds 1..n)', '30')
    .option('--safeguards <on|off>', 'on: the control (fencing and guarded cleanup): the record must never empty', 'off')
    .option('--cpu-hog <n>', 'busy-loop processes at the lab\'s own priority for the whole bench (4 keeps 2 cores busy)', '0')
    .option('--set <key=value>', 'a setting for every run; repeatable', collect, [])
    .option('--out <dir>', 'folder for bench.json and the runs (an unfinished bench there is resumed)')
    .option('--runtime <name>', 'local (child processes) or docker (host-network containers)', 'local')
    .action(async (o: { runs: string; safeguards: string; cpuHog: string; set: string[]; out?: string; runtime: string }) => {
      const [{ benchTrigger }, { parseRuntimeName }] = await Promise.all([chaos.benchTrigger(), chaos.runtimes()]);
      const runtime = parseRuntimeName(o.runtime);
      const runs = intOption('--runs', o.runs, 1, 500);
      const cpuHog = intOption('--cpu-hog', o.cpuHog, 0, 64);
      if (o.safeguards !== 'on' && o.safeguards !== 'off') throw new InputError(`--safeguards ${o.safeguards}: give on or off`);
      const outDir = o.out ?? join(PROJECT_ROOT, 'reports', `bench-trigger-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const { signal, dispose } = abortOnSignals(log);
      try {
        const r = await benchTrigger({ runs, safeguards: o.safeguards, cpuHog, sets: o.set, outDir, lab: labContext(), runtime, log, signal });
        const rate = r.emptied.rate;
        const ms = (v: number | null) => (v === null ? '—' : `${v.toLocaleString('en')} ms`);
        process.stdout.write(
          `\nThe closed-loop trigger, us-east-1 --quick, ${r.runtime} runtime, safeguards ${r.safeguards}, ${r.cpuHog} busy-loop process${r.cpuHog === 1 ? '' : 'es'} on ${r.cores} cores (${(r.wallMs / 1000).toFixed(0)} s in all)\n\n` +
            table(
              ['record emptied', '95 % interval', 'injection → empty, median / max', 'check → hold in place, median / max', 'missed attempts', 'gave up'],
              [[`${r.emptied.k} of ${r.emptied.n}`, rate ? `${rate.low}–${rate.high}` : '—', `${ms(r.toEmptyMs.median)} / ${ms(r.toEmptyMs.max)}`, `${ms(r.holdAfterCheckMs.median)} / ${ms(r.holdAfterCheckMs.max)}`, String(r.missed), String(r.gaveUp)]],
            ) +
            `\n\n→ ${join(outDir, 'bench.json')}\n`,
        );
        const expected = r.safeguards === 'off' ? r.emptied.k === r.emptied.n : r.emptied.k === 0;
        process.exitCode = signal.aborted ? 130 : expected ? 0 : 1;
      } finally {
        dispose();
      }
    });

}

/** `bench service` */
function registerBenchService(bench: Command): void {
  bench
    .command('service')
    .description('one service through the same outage under several configurations (environment variables on top of its file), N seeds each: recovered / metastable with intervals, time to recover and DynamoDB calls per request while recovering')
    .requiredOption('--service <file>', 'the service file (docs/your-service.md)')
    .option('--variants <list>', 'comma-separated; each name:VAR=value;VAR=value (name: alone = the file as it is)', 'naive:ORDERS_NAIVE_RETRY=5,standard:')
    .option('--scenario <name>', 'the scenario (its --quick size)', 'us-east-1')
    .option('--repeat <n>', 'runs per configuration (seeds 1..n)', '3')
    .option('--set <key=value>', 'a scenario setting for every run; repeatable', collect, [])
    .option('--out <dir>', 'folder for bench-service.json and the runs')
    .action(async (o: { service: string; variants: string; scenario: string; repeat: string; set: string[]; out?: string }) => {
      const [{ benchService, parseServiceVariant }, { loadServiceFile }] = await Promise.all([chaos.benchService(), import('../user-services/service-file.ts')]);
      const service = loadServiceFile(o.service);
      const variants = o.variants.split(',').filter(Boolean).map(parseServiceVariant);
      if (!variants.length) throw new InputError('--variants: give at least one, e.g. naive:ORDERS_NAIVE_RETRY=5,standard:');
      if (new Set(variants.map((v) => v.label)).size !== variants.length) throw new InputError('--variants: each needs its own name');
      const repeat = intOption('--repeat', o.repeat, 1, 50);
      const outDir = o.out ?? join(PROJECT_ROOT, 'reports', `bench-service-${service.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const { signal, dispose } = abortOnSignals(log);
      try {
        const r = await benchService({ scenario: o.scenario, quick: true, service, variants, repeat, sets: o.set, outDir, lab: labContext(), log, signal });
        const iv = (v: { mean: number; low: number | null; high: number | null } | null, unit = '', scale = 1) => {
          if (!v) return '—';
          const f = (n: number) => `${(n * scale).toFixed(scale === 1 ? 2 : 1)}${unit}`;
          return v.low === null || v.high === null ? f(v.mean) : `${f(v.mean)} [${f(v.low)}, ${f(v.high)}]`;
        };
        const rate = (x: { k: number; n: number; rate: { low: number; high: number } | null }) => `${x.k} of ${x.n}${x.rate ? ` [${x.rate.low}–${x.rate.high}]` : ''}`;
        process.stdout.write(
          `\n${r.service} (${r.sdk.name} ${r.sdk.version}) through ${r.scenario}${r.quick ? ' --quick' : ''}, ${repeat} seed${repeat === 1 ? '' : 's'} per configuration (${(r.wallMs / 1000).toFixed(0)} s in all); means with 95 % t intervals, rates with Wilson intervals\n\n` +
            table(
              ['configuration', 'recovered', 'metastable', 'time to recover (s)', 'DynamoDB calls / request while recovering', 'good while recovering'],
              Object.entries(r.variants).map(([label, v]) => [
                `${label}${Object.keys(v.env).length ? ` (${Object.entries(v.env).map(([k, x]) => `${k}=${x}`).join(' ')})` : ' (as its file says)'}`,
                rate(v.recovered),
                rate(v.metastable),
                iv(v.ttrMs, '', 0.001),
                iv(v.recoveringCallsPerRequest),
                iv(v.recoveringGoodShare, ' %', 100),
              ]),
            ) +
            `\n\n→ ${join(outDir, 'bench-service.json')}\n`,
        );
        process.exitCode = signal.aborted ? 130 : 0;
      } finally {
        dispose();
      }
    });
}

/** A comma-separated list of positive numbers (loads, outage lengths), each checked. */
function numberList(name: string, raw: string, max: number, example: string): number[] {
  const xs = raw.split(',').map((x) => x.trim()).filter(Boolean);
  if (!xs.length) throw new InputError(`${name}: give at least one value, e.g. ${name} ${example}`);
  return xs.map((x) => {
    const n = Number(x);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new InputError(`${name} ${x}: expected a number above 0 and at most ${max}, e.g. ${name} ${example}`);
    return n;
  });
}

/** `bench sdks` */
function registerBenchSdks(bench: Command): void {
  bench
    .command('sdks')
    .description("services in several languages, each with the AWS SDK it ships, under several retry configurations over a row of loads: the highest load that still recovers by itself (with its bracket), the prediction beside it, amplification and time to recover near ρ 0.8")
    .option('--services <files>', "comma-separated service files (default: every example's retry-storm.yaml)")
    .option('--configurations <list>', `comma-separated, from ${RETRY_CONFIGURATION_NAMES.join(', ')} (user-services/sdk-retry/configurations.ts)`, 'default,standard,default-before-2026,adaptive,loop')
    .option('--loads <list>', "load factors on each file's request rates", '0.5,1,1.5,2')
    .option('--outages <ms>', 'how long after the canary alerts DNS is restored, ms; comma-separated for several', '8000')
    .option('--scenario <name>', 'the scenario (its --quick size; its first operator action must be restore-dns)', 'slow-return')
    .option('--repeat <n>', 'runs per cell (seeds 1..n)', '3')
    .option('--set <key=value>', "for every run: service.* keys set every service file (service.tables.0.provisioned={…}), others the scenario (faults.1.durationMs=12000); repeatable", collect, [])
    .option('--out <dir>', 'folder for bench-sdks.json, bench-sdks.md and every run (an existing one is resumed)')
    .option('--report-only', 'run nothing: the table from the runs already in --out (the folders of several benches merged)')
    .action(async (o: { services?: string; configurations: string; loads: string; outages: string; scenario: string; repeat: string; set: string[]; out?: string; reportOnly?: boolean }) => {
      const [{ benchSdks }, { loadServiceFile }, { exampleServices }, { renderSdksBench }] = await Promise.all([chaos.benchSdks(), import('../user-services/service-file.ts'), import('../user-services/examples.ts'), chaos.benchSdks()]);
      const files = o.services ? o.services.split(',').map((f) => f.trim()).filter(Boolean) : exampleServices().map((e) => join(e.dir, 'retry-storm.yaml')).filter((f) => existsSync(f));
      if (!files.length) throw new InputError('--services: no service files (and no examples/*/retry-storm.yaml to default to)');
      const services = files.map((f) => loadServiceFile(f));
      const configurations = o.configurations.split(',').map((c) => c.trim()).filter(Boolean);
      const loads = numberList('--loads', o.loads, 20, '0.5,1,1.5,2');
      const outagesMs = numberList('--outages', o.outages, 600_000, '8000,16000');
      const repeat = intOption('--repeat', o.repeat, 1, 50);
      const outDir = o.out ?? join(PROJECT_ROOT, 'reports', `bench-sdks-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const { signal, dispose } = abortOnSignals(log);
      try {
        if (o.reportOnly && !o.out) throw new InputError('--report-only: give the folder with --out');
        const r = await benchSdks({ services, configurations, loads, outagesMs, repeat, scenario: o.scenario, sets: o.set, outDir, lab: labContext(), log, signal, reportOnly: o.reportOnly === true });
        process.stdout.write(`\n${renderSdksBench(r)}\n→ ${join(outDir, 'bench-sdks.json')}\n`);
        process.exitCode = signal.aborted ? 130 : 0;
      } finally {
        dispose();
      }
    });
}

/** `runbook restore-dns` */
function registerRunbookRestoreDns(runbook: Command): void {
  runbook
    .command('restore-dns')
    .description('repair every DynamoDB record with the healthy frontends and disable DNS automation')
    .action(async () => {
      const info = await labStatus(labContext());
      if (!info.up) throw new InputError('no lab is up: start one with `outage-lab up` (scenarios run this action themselves)');
      const { operatorAction } = await chaos.operator();
      const out = (await operatorAction('restore-dns').run({ topology: buildTopology({ slot: info.slot }), by: 'outage-lab runbook' }, {})) as { restored: number; addresses: string[]; automationDisabled: boolean };
      log(`restored ${out.restored} records to ${out.addresses.join(', ')}; DNS automation ${out.automationDisabled ? 'disabled' : 'left enabled'}`);
    });

}

/** `check enactor` */
function registerCheckEnactor(check: Command): void {
  check
    .command('enactor')
    .description('explore every interleaving of the real Enactor steps, the Planner, lease expiry, the manual repair and step errors; check four properties; exit 1 on a violation')
    .option('--safeguards <on|off>', 'Enactor safeguards (fencing + guarded cleanup)', 'on')
    .option('--enactors <n>', 'Enactors in the exhaustive search', '2')
    .option('--generations <n>', 'plan generations the Planner publishes', '5')
    .option('--endpoints <n>', 'endpoints per plan (the first is regional)', '3')
    .option('--keep <n>', 'cleanup keeps plans within K generations', '3')
    .option('--bounded-enactors <n>', 'also search this many Enactors, bounded by --max-states (0: skip)', '3')
    .option('--max-states <n>', 'bound for the second search', '1000000')
    .option('--json', 'print the result as JSON')
    .action(async (o: Record<string, string | boolean>) => {
      if (o.safeguards !== 'on' && o.safeguards !== 'off') throw new InputError(`--safeguards ${o.safeguards}: expected on or off`);
      const { checkEnactors, RACE_ORDERS } = await chaos.modelCheck();
      const base = {
        generations: intOption('--generations', String(o.generations), 2, 12),
        endpoints: intOption('--endpoints', String(o.endpoints), 1, 5),
        keepGenerations: intOption('--keep', String(o.keep), 0, 10),
        safeguards: o.safeguards === 'on',
      };
      const runs = [{ ...base, enactors: intOption('--enactors', String(o.enactors), 1, 4), maxStates: 50_000_000 }];
      const bounded = intOption('--bounded-enactors', String(o['boundedEnactors']), 0, 5);
      if (bounded > 0) runs.push({ ...base, enactors: bounded, maxStates: intOption('--max-states', String(o['maxStates']), 1000, 50_000_000) });
      const results: Awaited<ReturnType<typeof checkEnactors>>[] = [];
      for (const r of runs) {
        log(`exploring ${r.enactors} Enactors × ${r.generations} generations × ${r.endpoints} endpoints, K = ${r.keepGenerations}, safeguards ${o.safeguards}${r.maxStates < 50_000_000 ? `, at most ${r.maxStates} states` : ''}…`);
        const result = await checkEnactors(r, process.stderr.isTTY ? (n, d) => process.stderr.write(`\r[outage-lab]   depth ${d}: ${n} states…`) : undefined);
        if (process.stderr.isTTY) process.stderr.write('\n');
        results.push(result);
        const space = result.exhausted ? 'the whole space (exhausted)' : `a bounded space (stopped at ${r.maxStates} states)`;
        log(`${result.states} states, ${result.transitions} transitions, depth ${result.depth}, ${(result.ms / 1000).toFixed(2)} s: ${space}`);
        if (!o.json) {
          process.stdout.write(`\n${r.enactors} Enactors × ${r.generations} generations × ${r.endpoints} endpoints, K = ${r.keepGenerations}, safeguards ${o.safeguards}: ${result.states} states, depth ${result.depth}, ${(result.ms / 1000).toFixed(2)} s, ${result.exhausted ? 'exhausted' : 'bounded (not exhausted)'}\n`);
          for (const p of result.properties) process.stdout.write(`  ${p.holds ? 'HOLDS   ' : 'VIOLATED'} ${p.name}: ${p.description}\n`);
          for (const p of result.properties.filter((x) => !x.holds)) {
            const orders = Object.entries(p.orders ?? {});
            if (orders.length) {
              for (const [order, trace] of orders) process.stdout.write(`\n${p.name} — ${RACE_ORDERS[order as keyof typeof RACE_ORDERS]} (${trace.length} steps):\n${trace.join('\n')}\n`);
            } else process.stdout.write(`\n${p.name} — shortest trace (${p.trace!.length} steps):\n${p.trace!.join('\n')}\n`);
          }
        }
      }
      const [main, ...more] = results;
      const merged = main!.properties.map((p) => {
        const failing = [p, ...more.map((m) => m.properties.find((x) => x.name === p.name)!)].find((x) => !x.holds);
        return { name: p.name, holds: !failing, ...(failing ? { trace: failing.trace, ...(failing.orders ? { orders: failing.orders } : {}) } : {}) };
      });
      const verdict = merged.every((p) => p.holds) ? 'pass' : 'fail';
      if (o.json) {
        const figures = (r: (typeof results)[number]) => ({ enactors: r.options.enactors, states: r.states, transitions: r.transitions, depth: r.depth, exhausted: r.exhausted, ms: r.ms });
        process.stdout.write(`${JSON.stringify({ verdict, ...figures(main!), options: main!.options, properties: merged, bounded: more.map((r) => ({ ...figures(r), properties: r.properties.map((p) => ({ name: p.name, holds: p.holds })) })) }, null, 2)}\n`);
      } else process.stdout.write(`\nverdict: ${verdict.toUpperCase()}\n`);
      process.exitCode = verdict === 'pass' ? 0 : 1;
    });
}

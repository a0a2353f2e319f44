import type { Command } from 'commander';
import { Lab, labDown, labContext, labStatus, type LabInfo } from '../lab/lab.ts';
import { parseRuntimeName } from '../lab/runtimes/index.ts';
import { installTools } from '../lab/tools.ts';
import { buildTopology, hostPort } from '../topology/topology.ts';
import { MONITORING_HELP, monitoringOption } from './options.ts';
import { abortOnSignals } from './signals.ts';
import { table } from './table.ts';
import { installExamples } from '../user-services/examples.ts';

export const log = (line: string) => process.stderr.write(`[outage-lab] ${line}\n`);

function printInfo(info: LabInfo, topologyPorts: Map<string, string>): void {
  const rows = info.components.map((c) => [
    c.name,
    topologyPorts.get(c.name) ?? `${c.address}:${c.port}`,
    c.handle,
    c.healthy ? 'healthy' : 'UNHEALTHY',
    c.readyAfterMs === null ? '' : `${c.readyAfterMs} ms`,
  ]);
  process.stdout.write(`${table(['component', 'listens on', info.runtime === 'docker' ? 'container' : 'process', 'state', 'ready after'], rows)}\n`);
  if (info.links.length) {
    process.stdout.write('\n  Toxiproxy links (fault points):\n');
    const linkRows = info.links.map((l) => [
      l.name,
      `${l.listen} → ${l.upstream}`,
      l.enabled === null ? 'unknown' : l.enabled ? 'enabled' : 'DISABLED',
      l.toxics.join(', ') || '-',
    ]);
    process.stdout.write(`${table(['link', 'listen → upstream', 'state', 'toxics'], linkRows)}\n`);
  }
  const [dnsHost, dnsPort] = info.dns.split(':');
  process.stdout.write(
    `\n  DNS      ${info.dns}   try: dig @${dnsHost} -p ${dnsPort} ${info.dynamodbName}\n` +
      `  Toxiproxy ${info.toxiproxy}\n  Redis    ${info.redis}\n  run folder ${info.runDir}\n`,
  );
}

export function registerLabCommands(program: Command): void {
  program
    .command('install')
    .description('install the real infrastructure: Redis, Prometheus, the blackbox exporter and Alertmanager (Debian packages), CoreDNS and Toxiproxy (built with Go into .tools/)')
    .option('--kubernetes', 'also the single-node cluster: kube-apiserver, controller-manager, scheduler and kubelet built from their Go module (a few minutes the first time), Debian\'s etcd, containerd, runc and CNI plugins')
    .option('--moto', "also moto's server (pip install moto[server] into .tools/venvs/moto), the other DynamoDB the stand-in's differential test runs against")
    .option('--examples', "also build the example services under examples/ (npm ci, a Python venv, go build, mvn package)")
    .action(async (o: { kubernetes?: boolean; moto?: boolean; examples?: boolean }) => {
      const started = Date.now();
      const paths = await installTools(log, process.env, { kubernetes: o.kubernetes === true, moto: o.moto === true });
      for (const [name, path] of Object.entries(paths)) process.stdout.write(`  ${name.padEnd(28)} ${path}\n`);
      if (o.examples) for (const line of await installExamples(log)) process.stdout.write(`  ${line}\n`);
      log(`tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  program
    .command('up')
    .description('start the lab (every component on loopback) and return once all are ready; `down` stops it')
    .option('--runtime <name>', 'local (child processes) or docker (host-network containers)', 'local')
    .option('--monitoring <prometheus|off>', MONITORING_HELP, 'off')
    .action(async (o: { runtime: string; monitoring: string }) => {
      const settings = labContext();
      const runtime = parseRuntimeName(o.runtime);
      const topology = buildTopology({ slot: settings.slot, monitoring: monitoringOption(o.monitoring) });
      const started = Date.now();
      const { signal, dispose } = abortOnSignals(log);
      try {
        const lab = await Lab.start(settings, { log, signal, runtime, topology });
        if (topology.monitoring) {
          const { waitScraping } = await import('../chaos/observe/prometheus-scraping.ts');
          log(`Prometheus scrapes its targets after ${await waitScraping(topology, 20_000, signal)} ms more`);
        }
        const info = await lab.info();
        const ports = new Map(
          lab.topology.components.map((c) => [
            c.name,
            [hostPort(c), ...Object.entries(c.extraPorts).map(([k, p]) => `:${p} ${k}`)].join(', '),
          ]),
        );
        log(`lab up in ${((Date.now() - started) / 1000).toFixed(2)} s (slot ${info.slot}, ${info.runtime} runtime); stop it with \`npx outage-lab down\``);
        printInfo(info, ports);
      } finally {
        dispose();
      }
    });

  program
    .command('down')
    .description('stop everything `up` started, whichever shell ran it, and any Kubernetes Job a killed `--on kubernetes` run of this lab home left')
    .action(async () => {
      const settings = labContext();
      const { deleteRecordedJob } = await import('../kubernetes/jobs/run-job.ts');
      const jobs = await deleteRecordedJob(settings.home, log);
      if (jobs.length) log(`deleted ${jobs.length} Kubernetes Job(s) a killed run left: ${jobs.join(', ')}`);
      const result = await labDown(settings);
      if (!result.wasUp) {
        log('no lab is up; nothing to stop');
        return;
      }
      log(`stopped ${result.stopped.length ? result.stopped.join(', ') : 'nothing (all components had already exited)'}`);
      if (result.stillTaken.length) {
        log(`still in use after down: ${result.stillTaken.join('; ')} — another program holds these ports`);
        process.exitCode = 1;
      }
    });

  program
    .command('status')
    .description('show the lab: where each component listens, its pid and health (exit 0 healthy, 1 unhealthy, 3 not up)')
    .option('--json', 'print a JSON object instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const info = await labStatus(labContext());
      if (opts.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      else if (!info.up && info.components.length === 0) log('no lab is up (start one with `npx outage-lab up`)');
      else printInfo(info, new Map());
      process.exitCode = !info.up ? 3 : info.components.every((c) => c.healthy) ? 0 : 1;
    });
}

export function registerImageCommands(program: Command): void {
  program
    .command('images')
    .description('build the Docker runtime\'s images locally (no registry): outage-lab/node, services, redis, coredns, toxiproxy; cached by their inputs')
    .action(async () => {
      const [{ DockerRuntime }, { ensureServiceBundles }, { buildTopology }] = await Promise.all([
        import('../lab/runtimes/docker.ts'),
        import('../lab/service-bundles.ts'),
        import('../topology/topology.ts'),
      ]);
      const started = Date.now();
      const entries = [...new Set(buildTopology().components.flatMap((c) => (c.entry ? [c.entry] : [])))];
      const runtime = await DockerRuntime.connect(process.env, await ensureServiceBundles(entries));
      await runtime.prepare([], log);
      for (const [name, tag] of Object.entries(runtime.imageTags())) process.stdout.write(`  ${name.padEnd(10)} ${tag} (also :latest)\n`);
      log(`images ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  program
    .command('compose')
    .description('write compose/ (compose.yaml and its run folder) from the topology, for `docker compose up` users')
    .option('--check', 'exit 1 if compose/ differs from what the topology gives, writing nothing')
    .action(async (o: { check?: boolean }) => {
      const [{ renderCompose }, { PROJECT_ROOT }, fs, path] = await Promise.all([import('../lab/runtimes/compose.ts'), import('../core/paths.ts'), import('node:fs'), import('node:path')]);
      const dir = path.join(PROJECT_ROOT, 'compose');
      const stale: string[] = [];
      for (const f of renderCompose()) {
        const target = path.join(dir, f.path);
        const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
        if (current === f.content) continue;
        stale.push(f.path);
        if (!o.check) {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, f.content);
        }
      }
      if (o.check && stale.length) {
        log(`compose/ is out of date (${stale.join(', ')}): run \`npx outage-lab compose\``);
        process.exitCode = 1;
      } else log(stale.length ? `wrote ${stale.map((s) => `compose/${s}`).join(', ')}` : 'compose/ is up to date');
    });
}

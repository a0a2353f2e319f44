/** `play`, `act` and `replay`: the game day people play, acts from a shell, and the replay of a finished game. */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, UserError } from '../core/errors.ts';
import { labContext } from '../lab/lab.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { log } from './lab-commands.ts';
import { MONITORING_HELP, monitoringOption, parseDuration, portOption } from './options.ts';
import { abortOnSignals } from './signals.ts';

const collect = (v: string, all: string[]) => [...all, v];

export function registerGameCommands(program: Command): void {
  registerPlay(program);
  registerAct(program);
  registerReplay(program);
}

/** `play` */
function registerPlay(program: Command): void {
  program
    .command('play')
    .description('a game day people play: one lab, a live console on 127.0.0.1 (its URL printed), the faults injected when the facilitator starts; ends when the system has recovered, when the facilitator ends it, or at the time limit; then the reports and the debrief against AWS\'s timeline')
    .argument('[scenario]', 'the scenario (default us-east-1: naive DWFM, no scripted operator action)', 'us-east-1')
    .option('--blind', 'the console shows only what typical monitoring showed: resolution errors and API errors, no empty-answer class, no fault schedule')
    .option('--port <n>', "the console's port on 127.0.0.1 (default 8600 + the lab slot; 0: any free port)")
    .option('--time-limit <duration>', 'the game ends this long after the start at the latest (e.g. 10m, 90s)', '10m')
    .option('--quick', "the scenario's quick settings (10,000 leases that lapse in 6 s)")
    .option('--linger <duration>', 'how long the console shows the debrief after the game (Ctrl-C closes it sooner)', '10m')
    .option('--out <dir>', 'folder for the game (default reports/play-<timestamp>, reports/latest pointing at it)')
    .option('--report <list>', 'files to write: md, html, json, junit', 'md,html,json,junit')
    .option('--set <key=value>', 'a setting of the scenario; repeatable', collect, [])
    .option('--seed <n>', 'seed for every random choice', '1')
    .option('--runtime <name>', 'local (child processes) or docker (host-network containers)', 'local')
    .option('--monitoring <prometheus|off>', MONITORING_HELP, 'prometheus')
    .action(async (scenario: string, o: { blind?: boolean; port?: string; timeLimit: string; quick?: boolean; linger: string; out?: string; report: string; set: string[]; seed: string; runtime: string; monitoring: string }) => {
      const [{ playGame }, { reportersByName }, { parseRuntimeName }] = await Promise.all([import('../console/play.ts'), import('../chaos/reporters/index.ts'), import('../lab/runtimes/index.ts')]);
      if (!/^\d+$/.test(o.seed)) throw new InputError(`--seed ${o.seed}: expected a whole number`);
      const reportsDir = join(PROJECT_ROOT, 'reports');
      const outDir = resolve(o.out ?? join(reportsDir, `play-${new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '')}`));
      const opts = {
        scenario,
        quick: o.quick === true,
        blind: o.blind === true,
        port: portOption(o.port),
        timeLimitMs: parseDuration('--time-limit', o.timeLimit),
        lingerMs: parseDuration('--linger', o.linger, 24 * 3_600_000),
        seed: Number(o.seed),
        outDir,
        latestLink: o.out ? undefined : join(reportsDir, 'latest'),
        sets: o.set,
        reporters: reportersByName(o.report),
        lab: labContext(),
        runtime: parseRuntimeName(o.runtime),
        monitoring: monitoringOption(o.monitoring),
        log,
      };
      const { signal, dispose } = abortOnSignals(log);
      try {
        const r = await playGame({ ...opts, signal, onConsole: (url) => process.stdout.write(`console: ${url}\n`) });
        const rows = r.debrief.stages.map((s) => `  ${s.stage.padEnd(13)} ${s.status.padEnd(11)} ${s.tookMs === null ? '—' : `${(s.tookMs / 1000).toFixed(1)} s`.padStart(8)}  (AWS ${s.awsMin} min)  ${s.detail}`);
        process.stdout.write(`\n${r.debrief.outcomeText}\n\n${rows.join('\n')}\n\n${r.files.map((f) => `  ${f}`).join('\n')}\n`);
        process.exitCode = r.interrupted ? 130 : 0;
      } finally {
        dispose();
      }
    });

}

/** `act` */
function registerAct(program: Command): void {
  program
    .command('act')
    .description("act on the game being played in this lab home, as the console's buttons do: start, end, emergency-stop, declare, name-cause, note, or a runbook action (restore-dns, throttle-dwfm, …)")
    .argument('[act]', 'the act (see --list)')
    .argument('[settings...]', "the act's settings as key=value (e.g. maxConcurrency=40, cause=dns-empty-record, text='…')")
    .option('--by <name>', 'who acts (recorded in the history and the debrief)', 'cli')
    .option('--list', 'list the acts and their settings')
    .option('--json', 'print the answer as JSON')
    .action(async (name: string | undefined, settings: string[], o: { by: string; list?: boolean; json?: boolean }) => {
      const [{ GAME_ACTS, actFields }, { readGameFile }, { parseSetValue }, { SECRET_HEADER }, { request }] = await Promise.all([
        import('../game/acts/index.ts'),
        import('../game/game-file.ts'),
        import('../chaos/experiment/scenario.ts'),
        import('../console/server.ts'),
        import('undici'),
      ]);
      if (o.list || !name) {
        for (const a of GAME_ACTS) {
          const props = Object.keys((actFields(a).properties as Record<string, unknown> | undefined) ?? {});
          process.stdout.write(`${a.act.padEnd(24)} ${a.role.padEnd(12)} ${a.description}${props.length ? ` [${props.join(', ')}]` : ''}\n`);
        }
        if (!name && !o.list) throw new InputError('act: say which act (the list is above)');
        return;
      }
      const body: Record<string, unknown> = { act: name, by: o.by };
      for (const kv of settings) {
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new InputError(`${kv}: settings are key=value, e.g. maxConcurrency=40`);
        body[kv.slice(0, eq)] = parseSetValue(kv.slice(eq + 1));
      }
      const game = readGameFile(labContext().home);
      let res;
      try {
        res = await request(`${game.origin}/api/act`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: game.origin, [SECRET_HEADER]: game.secret },
          body: JSON.stringify(body),
          headersTimeout: 60_000,
        });
      } catch (err) {
        throw new UserError(`cannot reach the game's console at ${game.origin} (${(err as Error).message}): is \`outage-lab play\` still running?`);
      }
      const answer = (await res.body.json()) as Record<string, unknown>;
      if (o.json) process.stdout.write(`${JSON.stringify({ status: res.statusCode, ...answer }, null, 2)}\n`);
      if (res.statusCode === 200) {
        if (!o.json) log(`${name} by ${o.by}: done`);
        return;
      }
      throw new UserError(`${name}: ${answer.error ?? `HTTP ${res.statusCode}`}`, res.statusCode === 400 ? 2 : 1);
    });

}

/** `replay` */
function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('show a finished game (or any run, or a game day arm) again in the console, at --speed times real time, then its debrief')
    .argument('<folder>', 'a game folder (from play), a game day folder or a run folder')
    .option('--speed <n>', 'times real time', '1')
    .option('--arm <name>', 'which arm of a game day folder (default its first)')
    .option('--port <n>', "the console's port on 127.0.0.1 (default 8600 + the lab slot; 0: any free port)")
    .option('--linger <duration>', 'how long the console stays up after the replay (Ctrl-C closes it sooner)', '10m')
    .action(async (folder: string, o: { speed: string; arm?: string; port?: string; linger: string }) => {
      const { replay } = await import('../console/replay.ts');
      const speed = Number(o.speed);
      if (!/^\d+(\.\d+)?$/.test(o.speed) || speed <= 0 || speed > 1000) throw new InputError(`--speed ${o.speed}: expected a number above 0, at most 1000`);
      const { signal, dispose } = abortOnSignals(log);
      try {
        await replay({ folder: resolve(folder), arm: o.arm, speed, port: portOption(o.port), slot: labContext().slot, lingerMs: parseDuration('--linger', o.linger, 24 * 3_600_000), log, signal, onConsole: (url) => process.stdout.write(`console: ${url}\n`) });
      } finally {
        dispose();
      }
    });
}

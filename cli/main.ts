import { Command, CommanderError } from 'commander';
import { UserError } from '../core/errors.ts';
import { registerImageCommands, registerLabCommands } from './lab-commands.ts';
import { registerGameCommands } from './game-commands.ts';
import { registerKubernetesCommands } from './kubernetes-commands.ts';
import { registerGamedayCommands, registerReportCommands } from './gameday-commands.ts';
import { registerRunCommands } from './run-commands.ts';
import { registerSweepCommands } from './sweep-commands.ts';

const program = new Command();
program
  .name('outage-lab')
  .description('Reproduce the October 2025 us-east-1 outage on real CoreDNS, Toxiproxy and Redis, and measure recovery.')
  .showSuggestionAfterError(true)
  .configureOutput({ writeErr: () => {} })
  .exitOverride();

registerLabCommands(program);
registerImageCommands(program);
registerRunCommands(program);
registerGamedayCommands(program);
registerGameCommands(program);
registerKubernetesCommands(program);
registerReportCommands(program);
registerSweepCommands(program);

function commandName(): string {
  const known = new Set(program.commands.map((c) => c.name()));
  const first = process.argv.slice(2).find((a) => !a.startsWith('-'));
  return first && known.has(first) ? `outage-lab ${first}` : 'outage-lab';
}

// Output piped into `head` and the like: a closed pipe ends the command quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) process.exit(0);
    const msg = err.message.replace(/^error: /, '').replace(/\n+/g, ' ');
    process.stderr.write(`${commandName()}: ${msg} — see \`${commandName()} --help\`\n`);
    process.exit(2);
  }
  if (err instanceof UserError) {
    process.stderr.write(`outage-lab: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`outage-lab: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}

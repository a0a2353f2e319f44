#!/usr/bin/env node
// Makes a fresh checkout runnable: npm dependencies (npm ci when node_modules is missing or older
// than the lock file), then the real infrastructure (`outage-lab install`: Redis from Debian,
// CoreDNS and Toxiproxy built with Go into .tools/). Plain JavaScript: it runs before any
// dependency is installed. Each step is skipped when already done.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`[bootstrap] ${line}\n`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) {
    say(`cannot run ${cmd}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  say('installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
run(process.execPath, [join(root, 'bin', 'outage-lab.js'), 'install']);

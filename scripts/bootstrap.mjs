#!/usr/bin/env node
// Makes a fresh checkout runnable: npm dependencies (npm ci when node_modules is missing or older
// than the lock file), then the real infrastructure (`outage-lab install`: Redis from Debian,
// CoreDNS and Toxiproxy built with Go into .tools/). With --test, also what the test suite needs:
// Debian's chromium (headless report checks) and docker.io, and a Docker engine started with the
// bridge network off (`dockerd --bridge=none --iptables=false`: containers use the host network)
// when none answers; its pid goes to .lab/dockerd.pid so .ci/run can stop it afterwards.
// Plain JavaScript: it runs before any dependency is installed. Each step is skipped when done.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`[bootstrap] ${line}\n`);
const forTests = process.argv.includes('--test');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) {
    say(`cannot run ${cmd}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  say('installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
// The tests also need the single-node Kubernetes (built once, cached in .tools/) and moto (the
// DynamoDB differential test's other implementation, pip-installed into .tools/venvs/), and the
// example services' dependencies (examples/*: npm ci in the Node one).
run(process.execPath, [join(root, 'bin', 'outage-lab.js'), 'install', ...(forTests ? ['--kubernetes', '--moto', '--examples'] : [])]);

if (forTests) {
  const missing = [['chromium', 'chromium'], ['dockerd', 'docker.io']].filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg);
  if (missing.length) {
    if (process.getuid?.() !== 0 || !has('apt-get')) {
      say(`the tests need ${missing.join(' and ')}: install them (sudo apt-get install -y ${missing.join(' ')})`);
      process.exit(1);
    }
    say(`installing ${missing.join(', ')} (apt-get)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-q'], { env });
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
  }
  const engineUp = () => spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore' }).status === 0;
  if (!engineUp()) {
    if (process.getuid?.() !== 0) {
      say('no Docker engine answers and starting one needs root: start dockerd (dockerd --bridge=none --iptables=false)');
      process.exit(1);
    }
    mkdirSync(join(root, '.lab'), { recursive: true });
    const log = openSync(join(root, '.lab', 'dockerd.log'), 'a');
    // The bridge network stays off: every container uses the host's network (loopback only).
    const d = spawn('dockerd', ['--bridge=none', '--iptables=false', '--ip6tables=false'], { detached: true, stdio: ['ignore', log, log] });
    d.unref();
    writeFileSync(join(root, '.lab', 'dockerd.pid'), String(d.pid));
    say(`started dockerd (pid ${d.pid}, log .lab/dockerd.log)`);
    for (let i = 0; i < 60 && !engineUp(); i++) spawnSync('sleep', ['0.5']);
    if (!engineUp()) {
      say('dockerd did not answer within 30 s: see .lab/dockerd.log');
      process.exit(1);
    }
  }
}

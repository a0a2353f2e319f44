/**
 * Benchmark: wall time of `outage-lab up` (CLI start to every component ready) with binaries
 * cached, over N runs; prints median/min/max and writes reports/bench-up.json.
 * Usage: npm run bench:up [-- --runs 5] [--runtime docker]
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../core/paths.ts';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  process.stderr.write('bench-up: --runs must be a whole number from 1 to 50\n');
  process.exit(2);
}
const rtArg = process.argv.indexOf('--runtime');
const runtime = rtArg > 0 ? process.argv[rtArg + 1]! : 'local';
if (!['local', 'docker'].includes(runtime)) {
  process.stderr.write('bench-up: --runtime must be local or docker\n');
  process.exit(2);
}
const bin = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const home = mkdtempSync(join(tmpdir(), 'outage-lab-bench-up-'));
const env = { ...process.env, OUTAGE_LAB_HOME: home, OUTAGE_LAB_SLOT: process.env.OUTAGE_LAB_SLOT ?? '210' };
const samples: number[] = [];
try {
  // One untimed up/down first, so image builds (docker) and bundles are cached as the figure says.
  await execa(process.execPath, [bin, 'up', '--runtime', runtime], { env });
  await execa(process.execPath, [bin, 'down'], { env });
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await execa(process.execPath, [bin, 'up', '--runtime', runtime], { env });
    samples.push(performance.now() - started);
    await execa(process.execPath, [bin, 'down'], { env });
    process.stderr.write(`[bench-up] run ${i + 1}/${runs}: ${samples.at(-1)!.toFixed(0)} ms\n`);
  }
} finally {
  await execa(process.execPath, [bin, 'down'], { env, reject: false });
}
const sorted = [...samples].sort((a, b) => a - b);
const result = {
  what: `\`outage-lab up --runtime ${runtime}\` wall time, CLI start to all components ready, binaries and images cached`,
  runtime,
  runs,
  medianMs: Math.round(sorted[Math.floor((runs - 1) / 2)]!),
  minMs: Math.round(sorted[0]!),
  maxMs: Math.round(sorted.at(-1)!),
  samplesMs: samples.map(Math.round),
};
mkdirSync(join(PROJECT_ROOT, 'reports'), { recursive: true });
writeFileSync(join(PROJECT_ROOT, 'reports', `bench-up-${runtime}.json`), JSON.stringify(result, null, 2));
process.stdout.write(`up (${runtime}) to ready: median ${result.medianMs} ms, min ${result.minMs} ms, max ${result.maxMs} ms over ${runs} runs → reports/bench-up-${runtime}.json\n`);

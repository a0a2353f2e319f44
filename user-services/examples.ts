/**
 * The example services under examples/ and what each needs before it can start: the Node one its
 * locked npm dependencies (`npm ci` in its folder, skipped while node_modules is newer than the
 * lock file). `outage-lab install --examples` runs this; the test command's bootstrap asks for it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../core/errors.ts';
import { PROJECT_ROOT } from '../core/paths.ts';

export const EXAMPLES_DIR = join(PROJECT_ROOT, 'examples');

/** Each example's folder and its service file. */
export function exampleServices(): { name: string; dir: string; serviceFile: string }[] {
  if (!existsSync(EXAMPLES_DIR)) return [];
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(EXAMPLES_DIR, d.name, 'service.yaml')))
    .map((d) => ({ name: d.name, dir: join(EXAMPLES_DIR, d.name), serviceFile: join(EXAMPLES_DIR, d.name, 'service.yaml') }));
}

/** Installs what the examples need; returns one line per example saying what was done. */
export async function installExamples(log: (line: string) => void): Promise<string[]> {
  const done: string[] = [];
  for (const ex of exampleServices()) {
    const lock = join(ex.dir, 'package-lock.json');
    if (!existsSync(lock)) continue;
    const installed = join(ex.dir, 'node_modules', '.package-lock.json');
    if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) {
      done.push(`${ex.name}: npm dependencies up to date`);
      continue;
    }
    log(`${ex.name}: npm ci…`);
    const r = await execa('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: ex.dir, reject: false, all: true });
    if (r.exitCode !== 0) throw new UserError(`${ex.name}: npm ci failed (exit ${r.exitCode}): ${String(r.all ?? '').trim().split('\n').slice(-3).join(' | ')}`);
    done.push(`${ex.name}: npm dependencies installed`);
  }
  return done;
}

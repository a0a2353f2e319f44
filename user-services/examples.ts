/**
 * The example services under examples/ and what each needs before it can start — its npm
 * dependencies, Python virtual environment, Go binary or Maven build, by the installers in
 * ./installers/ (each skipped while its inputs are unchanged since it last ran). `outage-lab
 * install --examples` runs this; the test command's bootstrap asks for it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../core/paths.ts';
import type { Log } from '../lab/tools.ts';
import { INSTALLERS } from './installers/index.ts';
import { upToDate, writeStamp } from './installers/installer.ts';

export const EXAMPLES_DIR = join(PROJECT_ROOT, 'examples');

/** Each example's folder and its service file. */
export function exampleServices(root: string = EXAMPLES_DIR): { name: string; dir: string; serviceFile: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'service.yaml')))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => ({ name: d.name, dir: join(root, d.name), serviceFile: join(root, d.name, 'service.yaml') }));
}

/** Builds what the examples need; returns one line per example saying what was done. */
export async function installExamples(log: Log, env: NodeJS.ProcessEnv = process.env, root: string = EXAMPLES_DIR): Promise<string[]> {
  const done: string[] = [];
  for (const ex of exampleServices(root)) {
    for (const installer of INSTALLERS.filter((i) => existsSync(join(ex.dir, i.manifest)))) {
      if (upToDate(installer, ex.dir)) {
        done.push(`${ex.name}: up to date (${installer.name})`);
        continue;
      }
      const started = Date.now();
      const what = await installer.install(ex.dir, { log, env, name: ex.name });
      await writeStamp(installer, ex.dir);
      done.push(`${ex.name}: ${what} in ${Math.round((Date.now() - started) / 1000)} s`);
    }
  }
  return done;
}

/**
 * What an example service needs before it can start, one kind of build per file (npm, pip, Go,
 * Maven), registered in ./index.ts. An installer applies to a folder when the folder has its
 * manifest; it is up to date while the hash of its inputs matches the stamp it wrote last time,
 * so a second `install --examples` does nothing and an edited lock file or source rebuilds.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../core/errors.ts';
import type { Log } from '../../lab/tools.ts';

export interface ExampleInstaller {
  /** npm, pip, go, maven. */
  readonly name: string;
  /** The file whose presence says this installer builds the folder. */
  readonly manifest: string;
  /** The files and folders (relative) whose content decides whether to build again. */
  readonly inputs: readonly string[];
  /** Where the stamp lives (relative): inside what the build makes, so deleting that rebuilds. */
  readonly stamp: string;
  /** Builds; resolves with what was done, in a few words. */
  install(dir: string, ctx: InstallContext): Promise<string>;
}

export interface InstallContext {
  readonly log: Log;
  readonly env: NodeJS.ProcessEnv;
  /** The example's name, for messages. */
  readonly name: string;
}

/** What a build makes or fetches, never its input: hidden folders (.venv, .build), node_modules, target. */
const OUTPUTS = (name: string) => name.startsWith('.') || name === 'node_modules' || name === 'target';

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => !OUTPUTS(d.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => filesUnder(join(path, d.name)));
}

/** A hash of the installer's inputs in `dir` (names and contents). */
export function inputsHash(installer: ExampleInstaller, dir: string): string {
  const h = createHash('sha256');
  h.update(installer.name);
  for (const f of installer.inputs.flatMap((i) => filesUnder(join(dir, i)))) {
    h.update(relative(dir, f));
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}

export const upToDate = (installer: ExampleInstaller, dir: string): boolean => {
  const stamp = join(dir, installer.stamp);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === inputsHash(installer, dir);
};

export async function writeStamp(installer: ExampleInstaller, dir: string): Promise<void> {
  const stamp = join(dir, installer.stamp);
  await mkdir(dirname(stamp), { recursive: true });
  await writeFile(stamp, inputsHash(installer, dir));
}

/** Runs one build step in the example's folder; a failure is a UserError with the step and its last lines. */
export async function step(ctx: InstallContext, dir: string, file: string, args: readonly string[], env: NodeJS.ProcessEnv = ctx.env): Promise<void> {
  const r = await execa(file, args, { cwd: dir, env, reject: false, all: true });
  if (r.exitCode !== 0) {
    const tail = String(r.all ?? r.message ?? '').trim().split('\n').slice(-4).join(' | ');
    throw new UserError(`${ctx.name}: ${[file, ...args].join(' ')} failed (exit ${r.exitCode ?? r.signal ?? 'not started'}): ${tail}`);
  }
}

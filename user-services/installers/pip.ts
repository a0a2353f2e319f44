/** A Python example: a virtual environment of its own (.venv/) with its pinned requirements. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { findOnPath, installAptPackages } from '../../lab/tools.ts';
import type { ExampleInstaller } from './installer.ts';
import { step } from './installer.ts';

export const pip: ExampleInstaller = {
  name: 'pip',
  manifest: 'requirements.txt',
  inputs: ['requirements.txt'],
  stamp: '.venv/outage-lab.stamp',
  async install(dir, ctx) {
    const python = findOnPath('python3', ctx.env);
    if (!python) throw new UserError(`${ctx.name} needs python3, which is not on PATH: install python3 and python3-venv`);
    const venv = join(dir, '.venv');
    await rm(venv, { recursive: true, force: true });
    try {
      await step(ctx, dir, python, ['-m', 'venv', venv]);
    } catch (err) {
      // Debian's python3 has no ensurepip without python3-venv.
      if (!/ensurepip|venv/.test(String(err))) throw err;
      await installAptPackages(['python3-venv'], { envVar: 'PATH', what: 'python3-venv' }, false, ctx.env, ctx.log);
      await rm(venv, { recursive: true, force: true });
      await step(ctx, dir, python, ['-m', 'venv', venv]);
    }
    ctx.log(`${ctx.name}: pip install -r requirements.txt (first time: ~20 s from PyPI)`);
    await step(ctx, dir, join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-deps', '-r', 'requirements.txt']);
    return 'Python requirements installed in .venv/';
  },
};

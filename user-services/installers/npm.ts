/** A Node example: its locked npm dependencies (`npm ci`). */
import type { ExampleInstaller } from './installer.ts';
import { step } from './installer.ts';

export const npm: ExampleInstaller = {
  name: 'npm',
  manifest: 'package-lock.json',
  inputs: ['package.json', 'package-lock.json'],
  stamp: 'node_modules/.outage-lab-stamp',
  async install(dir, ctx) {
    await step(ctx, dir, 'npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts']);
    return 'npm dependencies installed (npm ci)';
  },
};

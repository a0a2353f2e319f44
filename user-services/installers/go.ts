/**
 * A Go example: built with the module's go.sum into .build/<module's last element>; each other
 * module file beside it, go.<variant>.mod (with its go.<variant>.sum), builds the same code against
 * the versions it pins into .build/<that name>-<variant> (the Go example's go.pre2026.mod: the SDK
 * from before the 2026 retry update).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { findGo } from '../../lab/tools.ts';
import type { ExampleInstaller } from './installer.ts';
import { step } from './installer.ts';

/** The go.<variant>.mod files of a folder, by variant. */
export const moduleVariants = (dir: string): string[] => readdirSync(dir).flatMap((f) => /^go\.([a-z0-9-]+)\.mod$/.exec(f)?.[1] ?? []);

export const go: ExampleInstaller = {
  name: 'go',
  manifest: 'go.mod',
  inputs: ['.'],
  stamp: '.build/outage-lab.stamp',
  async install(dir, ctx) {
    const goBin = findGo(ctx.env);
    if (!goBin) throw new UserError(`${ctx.name} needs Go, which is not on PATH or in /usr/local/go: install Go 1.24 or newer`);
    ctx.log(`${ctx.name}: go build (first time: modules from the Go proxy, ~1 min)`);
    const env = { ...ctx.env, CGO_ENABLED: '0' };
    // -mod=readonly: go.sum decides the versions; a mismatch is an error, not a silent update.
    await step(ctx, dir, goBin, ['build', '-mod=readonly', '-trimpath', '-o', '.build/', '.'], env);
    const variants = moduleVariants(dir);
    const name = /^module\s+\S*?([^/\s]+)\s*$/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))?.[1] ?? ctx.name;
    for (const v of variants) {
      ctx.log(`${ctx.name}: go build with go.${v}.mod`);
      await step(ctx, dir, goBin, ['build', '-mod=readonly', `-modfile=go.${v}.mod`, '-trimpath', '-o', `.build/${name}-${v}`, '.'], env);
    }
    return `built with go build into .build/${variants.length ? ` (and ${variants.map((v) => `${name}-${v}`).join(', ')})` : ''}`;
  },
};

/** A Go example: built with the module's go.sum into .build/<module's last element>. */
import { UserError } from '../../core/errors.ts';
import { findGo } from '../../lab/tools.ts';
import type { ExampleInstaller } from './installer.ts';
import { step } from './installer.ts';

export const go: ExampleInstaller = {
  name: 'go',
  manifest: 'go.mod',
  inputs: ['.'],
  stamp: '.build/outage-lab.stamp',
  async install(dir, ctx) {
    const goBin = findGo(ctx.env);
    if (!goBin) throw new UserError(`${ctx.name} needs Go, which is not on PATH or in /usr/local/go: install Go 1.24 or newer`);
    ctx.log(`${ctx.name}: go build (first time: modules from the Go proxy, ~1 min)`);
    // -mod=readonly: go.sum decides the versions; a mismatch is an error, not a silent update.
    await step(ctx, dir, goBin, ['build', '-mod=readonly', '-trimpath', '-o', '.build/', '.'], { ...ctx.env, CGO_ENABLED: '0' });
    return 'built with go build into .build/';
  },
};

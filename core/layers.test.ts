/**
 * The layers are enforced, not described: dependency-cruiser (.dependency-cruiser.cjs) passes on
 * the tree, and fails — naming the rule — when a module imports upwards, when two modules import
 * each other, or when a service reaches into another's folder (files written for the test, then
 * removed).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './paths.ts';

const LAYERED = ['bin', 'cli', 'chaos', 'console', 'core', 'dns', 'game', 'kubernetes', 'lab', 'loadtests', 'monitoring', 'scripts', 'services', 'topology', 'user-services'];
const cruise = (paths: readonly string[]) => execa('npx', ['depcruise', '--config', '.dependency-cruiser.cjs', ...paths], { cwd: PROJECT_ROOT, reject: false });
const probes: string[] = [];
const probe = (rel: string, content: string) => {
  writeFileSync(join(PROJECT_ROOT, rel), content);
  probes.push(rel);
  return rel;
};
afterEach(() => {
  for (const p of probes.splice(0)) rmSync(join(PROJECT_ROOT, p), { force: true });
});

describe('layers (dependency-cruiser)', { timeout: 60_000 }, () => {
  it('the tree passes every rule', async () => {
    const r = await cruise(LAYERED);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('no dependency violations found');
  });

  it('an upward import fails with the rule named', async () => {
    const f = probe('core/zz-probe-upward.ts', "import { runScenario } from '../chaos/run/pipeline.ts';\nexport const x = runScenario;\n");
    const r = await cruise([f]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toMatch(/no-upward-from-core: core\/zz-probe-upward\.ts → chaos\/run\/pipeline\.ts/);
  });

  it('a cycle fails, and so does a service importing another service', async () => {
    const a = probe('core/zz-probe-a.ts', "import { b } from './zz-probe-b.ts';\nexport const a = () => b;\n");
    const b = probe('core/zz-probe-b.ts', "import { a } from './zz-probe-a.ts';\nexport const b = () => a;\n");
    const s = probe('services/dwfm/zz-probe.ts', "import { Tables } from '../dynamodb/tables.ts';\nexport const t = Tables;\n");
    const r = await cruise([a, b, s]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toContain('no-circular');
    expect(r.stdout).toMatch(/no-service-internals: services\/dwfm\/zz-probe\.ts → services\/dynamodb\/tables\.ts/);
  });
});

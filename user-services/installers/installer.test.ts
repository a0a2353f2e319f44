import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installExamples } from '../examples.ts';
import { INSTALLERS } from './index.ts';
import { inputsHash, upToDate, writeStamp, type ExampleInstaller } from './installer.ts';

const root = mkdtempSync(join(tmpdir(), 'installers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A build that only records that it ran: the stamp logic is what is tested here.
const touch: ExampleInstaller = { name: 'touch', manifest: 'build.txt', inputs: ['build.txt', 'src'], stamp: 'out/stamp', install: async () => 'built' };

describe('example installers', () => {
  it('one per kind of build, each its own manifest', () => {
    expect(INSTALLERS.map((i) => [i.name, i.manifest])).toEqual([
      ['npm', 'package-lock.json'],
      ['pip', 'requirements.txt'],
      ['go', 'go.mod'],
      ['maven', 'pom.xml'],
    ]);
  });

  it('is up to date only while its inputs are unchanged, and ignores what builds make', async () => {
    const dir = join(root, 'ex');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'build.txt'), 'v1');
    writeFileSync(join(dir, 'src', 'a.txt'), 'a');
    expect(upToDate(touch, dir)).toBe(false);
    await writeStamp(touch, dir);
    expect(upToDate(touch, dir)).toBe(true);
    expect(readFileSync(join(dir, 'out', 'stamp'), 'utf8')).toBe(inputsHash(touch, dir));
    // Outputs and hidden folders under an input are not inputs.
    mkdirSync(join(dir, 'src', '.venv'), { recursive: true });
    writeFileSync(join(dir, 'src', '.venv', 'x'), 'built');
    mkdirSync(join(dir, 'src', 'target'), { recursive: true });
    writeFileSync(join(dir, 'src', 'target', 'y'), 'built');
    expect(upToDate(touch, dir)).toBe(true);
    writeFileSync(join(dir, 'src', 'a.txt'), 'b');
    expect(upToDate(touch, dir)).toBe(false);
    await writeStamp(touch, dir);
    writeFileSync(join(dir, 'src', 'new.txt'), '');
    expect(upToDate(touch, dir), 'a new source file').toBe(false);
  });

  it('a failing build names the example, the step and its last lines', async () => {
    const ex = join(root, 'examples', 'orders-broken');
    mkdirSync(ex, { recursive: true });
    writeFileSync(join(ex, 'service.yaml'), 'name: orders-broken\n');
    writeFileSync(join(ex, 'go.mod'), 'this is not a go.mod\n');
    await expect(installExamples(() => {}, process.env, join(root, 'examples'))).rejects.toThrow(/orders-broken: .*go build .* failed \(exit 1\): .*go\.mod/);
  });
});

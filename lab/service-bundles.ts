/**
 * Our TypeScript services run as esbuild bundles (one file each, dependencies included): a
 * bundled service starts in ~0.25 s instead of ~0.7 s through tsx, which keeps `up` well under
 * 5 s on two cores. Bundles live in .build/<hash of the sources>/ and are rebuilt only when a
 * source file changes; a build goes to a temporary folder first, so concurrent labs never load a
 * half-written bundle.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../core/paths.ts';

export const SOURCE_DIRS = ['core', 'services', 'lab', 'topology', 'dns', 'monitoring', 'chaos', 'loadtests'];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(p, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

export function sourcesHash(entries: readonly string[], dirs: readonly string[] = SOURCE_DIRS): string {
  const hash = createHash('sha256').update(entries.join('\n'));
  for (const d of dirs) {
    const dir = join(PROJECT_ROOT, d);
    if (!existsSync(dir)) continue;
    for (const f of sourceFiles(dir).sort()) {
      const st = statSync(f);
      hash.update(`${relative(PROJECT_ROOT, f)}:${st.size}:${st.mtimeMs}\n`);
    }
  }
  hash.update(statSync(join(PROJECT_ROOT, 'package-lock.json')).mtimeMs.toString());
  return hash.digest('hex').slice(0, 16);
}

export function bundlePath(dir: string, entry: string): string {
  return join(dir, entry.replace(/\.ts$/, '.mjs'));
}

/**
 * Returns the folder holding an up-to-date bundle of every entry (paths relative to the project
 * root). OUTAGE_LAB_BUNDLES names a folder of prebuilt bundles instead (the runner image, which
 * holds no sources to build from).
 */
export async function ensureServiceBundles(entries: readonly string[]): Promise<string> {
  if (process.env.OUTAGE_LAB_BUNDLES) return process.env.OUTAGE_LAB_BUNDLES;
  const buildRoot = join(PROJECT_ROOT, '.build');
  const dir = join(buildRoot, sourcesHash(entries));
  if (existsSync(join(dir, '.complete'))) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: entries.map((e) => join(PROJECT_ROOT, e)),
    outdir: tmp,
    outbase: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // CommonJS dependencies (ioredis, pino, …) call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __outageLabRequire } from 'node:module'; const require = __outageLabRequire(import.meta.url);" },
    sourcemap: 'linked',
    // Stack traces need the mappings, not a copy of every source: a smaller map is parsed faster at each service's start.
    sourcesContent: false,
    logLevel: 'error',
  });
  await writeFile(join(tmp, '.complete'), new Date().toISOString());
  try {
    await rename(tmp, dir);
  } catch {
    await rm(tmp, { recursive: true, force: true }); // another lab finished the same build first
  }
  // Keep the build folder small: drop bundles of older sources.
  for (const old of readdirSync(buildRoot)) {
    const p = join(buildRoot, old);
    if (p !== dir && /^[0-9a-f]{16}$/.test(old) && Date.now() - statSync(p).mtimeMs > 60_000) await rm(p, { recursive: true, force: true });
  }
  return dir;
}

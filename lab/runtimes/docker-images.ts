/**
 * The Docker runtime's images, built locally with no registry: nothing is pulled. Each image is
 * FROM scratch (or FROM our own node image) with exactly the files its program needs:
 *   outage-lab/node      the machine's own Node.js binary and the shared libraries it links
 *   outage-lab/services  outage-lab/node + the services' esbuild bundles (/app)
 *   outage-lab/redis     Debian's redis-server and its shared libraries
 *   outage-lab/coredns   the static CoreDNS build from .tools/
 *   outage-lab/toxiproxy the static Toxiproxy build from .tools/
 *   outage-lab/prometheus, outage-lab/blackbox, outage-lab/alertmanager
 *                        Debian's builds and their shared libraries (--monitoring prometheus)
 *   outage-lab/python    Debian's python3 and its standard library  } base images users'
 *   outage-lab/java      the machine's Java at /opt/java             } services build FROM
 *   outage-lab/svc-<service> a user's service, from its own Dockerfile and folder
 * An image's tag is a hash of its inputs, so it is built once and rebuilt only when they change.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type Docker from 'dockerode';
import { UserError } from '../../core/errors.ts';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { findOnPath, resolveProgram, type LabProgram } from '../tools.ts';
import { APP_DIR, BASE_IMAGES, IN_IMAGE, type ImageName } from './image-names.ts';

export const IMAGE_PREFIX = 'outage-lab';
export { APP_DIR, BASE_IMAGES, IN_IMAGE, imageFor, type ImageName } from './image-names.ts';

/** The shared libraries a dynamically linked binary needs (from ldd), loader included. */
export function sharedLibraries(binary: string): string[] {
  let out: string;
  try {
    out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  } catch {
    return []; // static binary ("not a dynamic executable")
  }
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

export interface ImagePlan {
  readonly name: string;
  readonly tag: string;
  /** The Dockerfile's text. */
  readonly dockerfile: string;
  /** Files of the build context: path in the context → source on this machine. */
  readonly files: Record<string, string>;
}

function hashOf(parts: readonly string[], files: Record<string, string>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  for (const [dest, src] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const st = statSync(src);
    h.update(dest).update(`${st.size}:${st.mtimeMs}:${st.mode}`).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

export function rootfsOf(binary: string, inImage: string): Record<string, string> {
  const files: Record<string, string> = { [`rootfs${inImage}`]: realpathSync(binary) };
  for (const lib of sharedLibraries(binary)) files[`rootfs${lib}`] = realpathSync(lib);
  return files;
}

export function plan(name: string, dockerfile: string, files: Record<string, string>, base = ''): ImagePlan {
  return { name, tag: `${IMAGE_PREFIX}/${name}:${hashOf([dockerfile, base], files)}`, dockerfile, files };
}

/** Every regular file under a folder of this machine, as rootfs entries at the same path. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, tree(p));
    else if (e.isFile()) out[`rootfs${p}`] = p;
  }
  return out;
}

/** Every file under a folder (symlinks followed; dangling ones and `skip`ped names left out), placed under `at` in the image. */
export function treeAt(dir: string, at: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir)) {
    if (skip.includes(e)) continue;
    const p = join(dir, e);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue; // a dangling link
    }
    if (st.isDirectory()) Object.assign(out, treeAt(p, join(at, e), skip));
    else if (st.isFile()) out[`rootfs${join(at, e)}`] = realpathSync(p);
  }
  return out;
}

/** The shared libraries of every binary and .so among these image files, at their own paths (those not found here are left out). */
function librariesOf(files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [dest, src] of Object.entries(files)) {
    if (!/\.so(\.|$)/.test(dest) && !/\/bin\/[^/]+$/.test(dest)) continue;
    for (const lib of sharedLibraries(src)) out[`rootfs${lib}`] = realpathSync(lib);
  }
  return out;
}

/** Python from Debian (python3.11 and its standard library, without its tests) for users' Python services. */
function pythonImage(): ImagePlan {
  const python = ['/usr/bin/python3.11', '/usr/bin/python3'].find((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
  if (!python) throw new UserError("the Docker runtime's Python base image is made from Debian's python3 (/usr/bin/python3.11): apt-get install python3");
  const version = /python(3\.\d+)/.exec(realpathSync(python))?.[1] ?? '3.11';
  const files = { [`rootfs${BASE_IMAGES.python}`]: realpathSync(python), ...treeAt(`/usr/lib/python${version}`, `/usr/lib/python${version}`, ['test', 'dist-packages', 'site-packages', '__pycache__', 'idlelib', 'tkinter', 'ensurepip']) };
  return plan('python', 'FROM scratch\nCOPY rootfs/ /\n', { ...files, ...librariesOf(files) });
}

/** The machine's Java (the JDK or JRE `java` on PATH runs from) at /opt/java, for users' Java services. */
function javaImage(env: NodeJS.ProcessEnv): ImagePlan {
  const java = findOnPath('java', env);
  if (!java) throw new UserError("the Docker runtime's Java base image is made from the machine's Java: install a JDK 17 (apt-get install openjdk-17-jdk-headless)");
  const home = dirname(dirname(realpathSync(java)));
  const files = { ...treeAt(join(home, 'bin'), '/opt/java/bin'), ...treeAt(join(home, 'lib'), '/opt/java/lib', ['src.zip', 'ct.sym']), ...treeAt(join(home, 'conf'), '/opt/java/conf') };
  return plan('java', 'FROM scratch\nCOPY rootfs/ /\n', { ...files, ...librariesOf(files) });
}

/** A Debian binary and the shared libraries it links, at the same path in the image, with the data folders it reads. */
const debian = (name: ImageName, program: LabProgram, env: NodeJS.ProcessEnv, data: readonly string[] = []) => () =>
  plan(name, 'FROM scratch\nCOPY rootfs/ /\n', { ...rootfsOf(resolveProgram(program, env), IN_IMAGE[program]), ...Object.assign({}, ...data.map(tree)) });

/** Every image a lab can need, planned (with tags from their inputs) only when asked for. */
export function imagePlans(bundleDir: string, env: NodeJS.ProcessEnv): Record<ImageName, () => ImagePlan> {
  const node = plan('node', 'FROM scratch\nCOPY rootfs/ /\n', rootfsOf(process.execPath, IN_IMAGE.node));
  const bundles: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else bundles[`app/${relative(bundleDir, p)}`] = p;
    }
  };
  walk(bundleDir);
  return {
    node: () => node,
    services: () => plan('services', `FROM ${node.tag}\nCOPY app/ ${APP_DIR}/\n`, bundles, node.tag),
    redis: debian('redis', 'redis-server', env),
    coredns: () => plan('coredns', `FROM scratch\nCOPY coredns ${IN_IMAGE.coredns}\n`, { coredns: resolveProgram('coredns', env) }),
    toxiproxy: () => plan('toxiproxy', `FROM scratch\nCOPY toxiproxy-server ${IN_IMAGE['toxiproxy-server']}\n`, { 'toxiproxy-server': resolveProgram('toxiproxy-server', env) }),
    prometheus: debian('prometheus', 'prometheus', env),
    blackbox: debian('blackbox', 'prometheus-blackbox-exporter', env),
    // Debian's Alertmanager reads its notification templates from disk.
    alertmanager: debian('alertmanager', 'prometheus-alertmanager', env, ['/usr/share/prometheus/alertmanager']),
    python: () => pythonImage(),
    java: () => javaImage(env),
  };
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

export async function buildImage(docker: Docker, p: ImagePlan, log: (line: string) => void): Promise<void> {
  const ctx = join(PROJECT_ROOT, '.build', 'images', p.tag.replace(/[/:]/g, '_'));
  rmSync(ctx, { recursive: true, force: true });
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), p.dockerfile);
  for (const [dest, src] of Object.entries(p.files)) {
    mkdirSync(dirname(join(ctx, dest)), { recursive: true });
    copyFileSync(src, join(ctx, dest));
  }
  const started = Date.now();
  const stream = await docker.buildImage({ context: ctx, src: ['Dockerfile', ...new Set(Object.keys(p.files).map((f) => f.split('/')[0]!))] }, { t: p.tag, rm: true, forcerm: true, labels: { 'outage-lab.image': p.name } });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        const failed = output?.find((o) => o.error);
        if (err || failed) reject(new UserError(`building image ${p.tag} failed: ${err?.message ?? failed?.errorDetail?.message ?? failed?.error}`));
        else resolve();
      },
    ),
  );
  await docker.getImage(p.tag).tag({ repo: `${IMAGE_PREFIX}/${p.name}`, tag: 'latest' });
  rmSync(ctx, { recursive: true, force: true });
  log(`image ${p.tag} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export const LAB_IMAGES: readonly ImageName[] = ['node', 'services', 'redis', 'coredns', 'toxiproxy'];

/** Builds whichever of these images are missing (node before services); returns their tags. */
export async function ensureImages(docker: Docker, bundleDir: string, env: NodeJS.ProcessEnv, log: (line: string) => void, names: readonly ImageName[] = LAB_IMAGES): Promise<Partial<Record<ImageName, string>>> {
  const plans = imagePlans(bundleDir, env);
  const wanted = new Set<ImageName>(names.includes('services') ? ['node', ...names] : names);
  const tags: Partial<Record<ImageName, string>> = {};
  for (const name of Object.keys(plans) as ImageName[]) {
    if (!wanted.has(name)) continue;
    const p = plans[name]();
    if (!(await imageExists(docker, p.tag))) await buildImage(docker, p, log);
    tags[name] = p.tag;
  }
  return tags;
}

/** The base images a Dockerfile builds FROM (`FROM outage-lab/<name>[:tag]`). */
export function baseImagesOf(dockerfile: string): ImageName[] {
  const names: ImageName[] = [];
  for (const m of dockerfile.matchAll(/^\s*FROM\s+outage-lab\/([a-z]+)(?::\S+)?/gim)) {
    const n = m[1] as ImageName;
    if (!(n in BASE_IMAGES)) throw new UserError(`FROM outage-lab/${m[1]}: the lab builds these base images: ${Object.keys(BASE_IMAGES).map((b) => `outage-lab/${b}`).join(', ')} (or FROM scratch)`);
    names.push(n);
  }
  return names;
}

/** A tag for a user's image: its component's name (svc-<service>) and a hash of its folder's files (names, sizes, times). */
export function guestImageTag(component: string, context: string, dockerfile: string): string {
  return `${IMAGE_PREFIX}/${component}:${hashOf([dockerfile], tree(context))}`;
}

/**
 * Builds a user's service image from its Dockerfile and folder (the base images it names built
 * first, from this machine); nothing is pulled. Skipped while the tag exists.
 */
export async function buildGuestImage(docker: Docker, o: { name: string; context: string; dockerfile: string; tag: string; bundleDir: string; env: NodeJS.ProcessEnv; log: (line: string) => void }): Promise<void> {
  if (await imageExists(docker, o.tag)) return;
  const text = readFileSync(join(o.context, o.dockerfile), 'utf8');
  await ensureImages(docker, o.bundleDir, o.env, o.log, baseImagesOf(text));
  const started = Date.now();
  o.log(`${o.name}: building its image from ${o.dockerfile}…`);
  const stream = await docker.buildImage({ context: o.context, src: readdirSync(o.context) }, { t: o.tag, dockerfile: o.dockerfile, rm: true, forcerm: true, pull: false, labels: { 'outage-lab.image': o.name } } as Docker.ImageBuildOptions);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
      const failed = output?.find((x) => x.error);
      if (err || failed) reject(new UserError(`${o.name}: building its image from ${join(o.context, o.dockerfile)} failed: ${err?.message ?? failed?.errorDetail?.message ?? failed?.error}`));
      else resolve();
    }),
  );
  o.log(`${o.name}: image ${o.tag} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The cluster's images, built locally (no registry) with the Docker engine like the Docker
 * runtime's, then imported into the cluster's containerd (`ctr -n k8s.io images import`):
 *
 *   outage-lab/pause   our static pause program, FROM scratch: containerd's sandbox_image
 *   outage-lab/runner  one lab in one pod: this machine's Node.js and its libraries, the services'
 *                      bundles, the CLI bundled with esbuild, the scenarios, Debian's redis-server
 *                      and its libraries, the CoreDNS and Toxiproxy builds
 *
 * A user's real cluster gets the runner from their registry (`docker tag` + `docker push` of
 * outage-lab/runner, then `--image`).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { UserError } from '../../core/errors.ts';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { buildImage, imageExists, plan, rootfsOf, tree, type ImagePlan } from '../../lab/runtimes/docker-images.ts';
import { IN_IMAGE } from '../../lab/runtimes/image-names.ts';
import { ensureServiceBundles, sourcesHash } from '../../lab/service-bundles.ts';
import { resolveProgram, type Log } from '../../lab/tools.ts';
import { buildTopology } from '../../topology/topology.ts';
import { RUNNER } from '../runner.ts';

/** Everything the CLI is made of: its bundle is rebuilt when one of these changes. */
const CLI_SOURCES = ['core', 'cli', 'chaos', 'game', 'console', 'monitoring', 'kubernetes', 'lab', 'topology', 'dns', 'services', 'loadtests', 'user-services'];

/** The CLI as one ESM file (dependencies included; what only the harness side uses stays out). */
export async function ensureCliBundle(): Promise<string> {
  const dir = join(PROJECT_ROOT, '.build', `cli-${sourcesHash(['cli/main.ts'], CLI_SOURCES)}`);
  const out = join(dir, 'cli', 'main.mjs');
  if (readdirSafe(dir).includes('.complete')) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(PROJECT_ROOT, 'cli', 'main.ts')],
    outfile: join(tmp, 'cli', 'main.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Loaded only by the harness, never in a pod (the browser driver, the Kubernetes client, the bundler), or optional native add-ons.
    external: ['playwright-core', 'esbuild', 'cpu-features', '*.node', '@kubernetes/client-node', 'tsx', 'xmllint-wasm'],
    banner: { js: "import { createRequire as __outageLabRequire } from 'node:module'; const require = __outageLabRequire(import.meta.url);" },
    logLevel: 'error',
  });
  writeFileSync(join(tmp, '.complete'), new Date().toISOString());
  try {
    await rename(tmp, dir);
  } catch {
    await rm(tmp, { recursive: true, force: true });
  }
  void out;
  return dir;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function pausePlan(env: NodeJS.ProcessEnv): ImagePlan {
  return plan('pause', 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n', { pause: resolveProgram('outage-lab-pause', env) });
}

/** The lab's own services bundled (what the runner image carries, and what base images are built from). */
export const labBundles = (): Promise<string> => ensureServiceBundles([...new Set(buildTopology().components.flatMap((c) => (c.entry ? [c.entry] : [])))]);

/** The Docker engine images for the cluster are built with, or a UserError saying how to start one. */
export async function imageBuilder(env: NodeJS.ProcessEnv, what: string): Promise<Docker> {
  const docker = new Docker({ socketPath: (env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '') });
  try {
    await docker.ping();
  } catch (err) {
    throw new UserError(`${what} built with Docker and no engine answers (${(err as Error).message}): start dockerd (\`dockerd --bridge=none --iptables=false\`)`);
  }
  return docker;
}

async function runnerPlan(env: NodeJS.ProcessEnv): Promise<ImagePlan> {
  const bundles = await labBundles();
  const cli = await ensureCliBundle();
  const files: Record<string, string> = {
    ...rootfsOf(process.execPath, IN_IMAGE.node),
    ...rootfsOf(resolveProgram('redis-server', env), IN_IMAGE['redis-server']),
    [`rootfs${IN_IMAGE.coredns}`]: resolveProgram('coredns', env),
    [`rootfs${IN_IMAGE['toxiproxy-server']}`]: resolveProgram('toxiproxy-server', env),
  };
  for (const [k, v] of Object.entries(tree(bundles))) files[k.replace(`rootfs${bundles}`, `rootfs${RUNNER.bundles}`)] = v;
  for (const [k, v] of Object.entries(tree(cli))) files[k.replace(`rootfs${cli}`, 'rootfs/app')] = v;
  for (const [k, v] of Object.entries(tree(join(PROJECT_ROOT, 'chaos', 'scenarios')))) files[k.replace(`rootfs${PROJECT_ROOT}`, 'rootfs/app/')] = v;
  // The lab writes its state and run folders under /tmp.
  const keep = join(PROJECT_ROOT, '.build', 'runner-tmp-keep');
  mkdirSync(keep, { recursive: true });
  writeFileSync(join(keep, '.keep'), '');
  files['rootfs/tmp/.keep'] = join(keep, '.keep');
  const envLines = Object.entries(RUNNER.env).map(([k, v]) => `ENV ${k}=${v}`).join('\n');
  return plan('runner', `FROM scratch\nCOPY rootfs/ /\n${envLines}\nWORKDIR /tmp\nENTRYPOINT ["${RUNNER.node}", "${RUNNER.cli}"]\n`, files);
}

/** Builds the pause and runner images (when their inputs changed); returns their tags. */
export async function buildClusterImages(env: NodeJS.ProcessEnv, log: Log): Promise<{ pause: string; runner: string }> {
  const docker = await imageBuilder(env, "the cluster's images are");
  const out: Record<string, string> = {};
  for (const p of [pausePlan(env), await runnerPlan(env)]) {
    if (!(await imageExists(docker, p.tag))) await buildImage(docker, p, log);
    out[p.name] = p.tag;
  }
  return out as { pause: string; runner: string };
}

/** `docker save` each image into the cluster's containerd (namespace k8s.io, where the kubelet looks). */
export async function importImages(ctr: string, socket: string, images: Record<string, string>, log: Log): Promise<void> {
  const dir = join(PROJECT_ROOT, '.build', 'cluster-images');
  mkdirSync(dir, { recursive: true });
  for (const [name, tag] of Object.entries(images)) {
    const started = Date.now();
    const tar = join(dir, `${name}.tar`);
    const s = await execa('docker', ['save', '-o', tar, tag], { reject: false, timeout: 120_000 });
    if (s.exitCode !== 0) throw new UserError(`docker save ${tag} failed: ${s.stderr}`);
    const i = await execa(ctr, ['--address', socket, '-n', 'k8s.io', 'images', 'import', tar], { reject: false, timeout: 120_000 });
    await rm(tar, { force: true });
    if (i.exitCode !== 0) throw new UserError(`importing ${tag} into the cluster failed: ${i.stderr}`);
    log(`cluster: image ${name} (${tag}) imported in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

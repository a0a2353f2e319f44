/**
 * Users' services on Kubernetes: each one a container of every shard's pod (manifests.ts), from
 * its own image — built from its Dockerfile exactly as the Docker runtime builds it, with the
 * launcher (tools/launch) added at LAUNCHER — and imported into the lab's own cluster's containerd
 * (no registry). The container runs the launcher with the image's own entrypoint and command,
 * which it starts when the shard's lab asks (lab/runtimes/sidecar.ts).
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../core/errors.ts';
import { buildGuestImage, buildImage, guestImageTag, imageExists, plan } from '../../lab/runtimes/docker-images.ts';
import { resolveProgram, type Log } from '../../lab/tools.ts';
import type { ServiceSpec } from '../../user-services/service-file.ts';
import { componentName } from '../../user-services/start.ts';
import { imageBuilder, importImages, labBundles } from '../cluster/images.ts';
import { LAUNCHER, type GuestContainer } from './manifests.ts';

/** Where images go: the lab's own cluster's containerd (ctr and its socket), or nowhere (manifests only). */
export interface ImageTarget {
  readonly ctr: string;
  readonly socket: string;
}

/** The pod containers of these services (one per service name), their images built and, given a target, imported. */
export async function guestContainers(services: readonly ServiceSpec[], o: { env: NodeJS.ProcessEnv; log: Log; importTo?: ImageTarget }): Promise<GuestContainer[]> {
  const byName = new Map<string, ServiceSpec>();
  for (const s of services) {
    const seen = byName.get(s.name);
    // One container per service in the pod template: every run of it must use the same image.
    if (seen && (seen.dir !== s.dir || seen.start.dockerfile !== s.start.dockerfile)) throw new UserError(`${s.name}: its runs name two images (${join(seen.dir, seen.start.dockerfile ?? '')} and ${join(s.dir, s.start.dockerfile ?? '')}); a Job's pods carry one container per service: run them as two sweeps`);
    byName.set(s.name, s);
  }
  if (!byName.size) return [];
  const docker = await imageBuilder(o.env, "a service's image for Kubernetes is");
  const bundleDir = await labBundles();
  const out: GuestContainer[] = [];
  for (const s of byName.values()) {
    if (!s.start.dockerfile) throw new UserError(`${s.file}: start.dockerfile: on Kubernetes ${s.name} runs from an image built from a Dockerfile: add one (docs/your-service.md)`);
    const name = componentName(s.name);
    const tag = guestImageTag(name, s.dir, s.start.dockerfile);
    await buildGuestImage(docker, { name, context: s.dir, dockerfile: s.start.dockerfile, tag, bundleDir, env: o.env, log: o.log });
    const config = (await docker.getImage(tag).inspect()).Config as { Entrypoint?: string[] | null; Cmd?: string[] | null };
    const command = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
    if (!command.length) throw new UserError(`${s.file}: the image built from ${s.start.dockerfile} has neither ENTRYPOINT nor CMD: add the command that starts ${s.name}`);
    const pod = plan(`${name}-pod`, `FROM ${tag}\nCOPY launch ${LAUNCHER}\n`, { launch: resolveProgram('outage-lab-launch', o.env) }, tag);
    if (!(await imageExists(docker, pod.tag))) await buildImage(docker, pod, o.log);
    if (o.importTo && !(await inCluster(o.importTo, pod.tag))) await importImages(o.importTo.ctr, o.importTo.socket, { [name]: pod.tag }, o.log);
    out.push({ name, image: pod.tag, command });
  }
  return out;
}

/** Whether the cluster's containerd holds the image already (docker save names it docker.io/<tag>). */
async function inCluster(t: ImageTarget, tag: string): Promise<boolean> {
  const r = await execa(t.ctr, ['--address', t.socket, '-n', 'k8s.io', 'images', 'ls', '-q'], { reject: false });
  return r.exitCode === 0 && r.stdout.split('\n').some((l) => l === tag || l === `docker.io/${tag}`);
}

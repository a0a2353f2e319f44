/**
 * One shard, in its pod: `outage-lab k8s shard` reads the shards (OUTAGE_LAB_SHARDS) and its
 * index (JOB_COMPLETION_INDEX, set by the Indexed Job), runs that shard's scenario on a lab of
 * its own with the local runtime — exactly as a local sweep or game day runs it; a user's service
 * in its own container of the pod, through the sidecar runtime — and prints its
 * result files to its log (results.ts). Exit 1 only when the run could not be carried out (the
 * Job controller then retries the index); a run whose checks fail is a result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { jsonReporter } from '../../chaos/reporters/json.ts';
import { runScenarioWithHistory } from '../../chaos/run/pipeline.ts';
import type { Scenario } from '../../chaos/experiment/scenario.ts';
import { InputError } from '../../core/errors.ts';
import type { LabContext } from '../../lab/lab.ts';
import type { ServiceSpec } from '../../user-services/service-file.ts';
import { encodeResult } from './results.ts';
import { decodeShards, ENV_SHARDS } from './shards-env.ts';

export const ShardSchema = z
  .object({
    label: z.string(),
    /** The scenario as the harness validated it, every setting applied. */
    scenario: z.record(z.string(), z.unknown()),
    seed: z.number().int(),
    expectedMs: z.number().int().optional(),
    /** Send the history too (a game day draws its charts from it), not only summary.json. */
    withTimeline: z.boolean(),
    /** Users' services through the run (as the harness read their files, the cell's settings applied): each runs in its own container of the pod. */
    services: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .strict();
export type Shard = z.infer<typeof ShardSchema>;

export function shardFromEnv(env: NodeJS.ProcessEnv): { shard: Shard; index: number } {
  const raw = env[ENV_SHARDS];
  const index = Number(env.JOB_COMPLETION_INDEX);
  if (!raw) throw new InputError('OUTAGE_LAB_SHARDS is not set: `k8s shard` runs inside a pod of an outage-lab Indexed Job');
  if (!Number.isInteger(index) || index < 0) throw new InputError(`JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX}: not an Indexed Job's pod`);
  const shards = z.array(ShardSchema).parse(decodeShards(raw));
  const shard = shards[index];
  if (!shard) throw new InputError(`JOB_COMPLETION_INDEX=${index}, but there are ${shards.length} shards`);
  return { shard, index };
}

export async function runShard(lab: LabContext, env: NodeJS.ProcessEnv, log: (line: string) => void, signal?: AbortSignal): Promise<number> {
  const { shard, index } = shardFromEnv(env);
  const outDir = join(lab.home, 'shard', String(index));
  log(`shard ${index} (${shard.label}): seed ${shard.seed}`);
  const started = performance.now();
  const services = shard.services as unknown as ServiceSpec[] | undefined;
  const run = await runScenarioWithHistory(shard.scenario as unknown as Scenario, {
    seed: shard.seed,
    outDir,
    lab,
    log,
    signal,
    reporters: [jsonReporter],
    label: shard.label,
    ...(shard.expectedMs ? { expectedMs: shard.expectedMs } : {}),
    // The services' containers are the pod's others; the lab reaches them through the sidecar runtime.
    ...(services?.length ? { services, runtime: 'sidecar' as const } : {}),
  });
  const wallMs = Math.round(performance.now() - started);
  const files: Record<string, string> = {
    'shard.json': JSON.stringify({ index, label: shard.label, status: run.summary.status, wallMs }),
    'summary.json': readFileSync(join(outDir, 'summary.json'), 'utf8'),
  };
  if (shard.withTimeline) files['timeline.ndjson'] = readFileSync(join(outDir, 'timeline.ndjson'), 'utf8');
  for (const line of encodeResult(files)) process.stdout.write(`${line}\n`);
  log(`shard ${index} (${shard.label}): ${run.summary.status}, ${(wallMs / 1000).toFixed(1)} s`);
  return run.summary.status === 'failed' ? 1 : run.summary.status === 'interrupted' ? 130 : 0;
}

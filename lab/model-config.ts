/**
 * The model's settings: how the stand-ins behave (safeguards, plan cadence, capacity, …). A lab
 * writes the effective settings to its run folder as model.json; every service reads them from
 * there, and scenarios override them with `settings:` and `--set key=value`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

export const DynamodbSettingsSchema = z
  .object({
    /** Concurrent workers; with serviceTimeMs this sets the capacity C = workers / serviceTimeMs. */
    workers: ms(1, 1000).default(16),
    /** Simulated time one request occupies a worker. */
    serviceTimeMs: z.number().min(0).max(10_000).default(2),
    /** Queue order in front of the workers. adaptive-lifo switches to LIFO while the queue is long. */
    queue: z.enum(['fifo', 'lifo', 'adaptive-lifo']).default('fifo'),
    /** Maximum queued requests (null: unbounded); beyond it requests are rejected at once with 503. */
    queueLimit: ms(1, 10_000_000).nullable().default(null),
    /** Drop queued requests whose client deadline has passed instead of serving them. */
    dropExpired: z.boolean().default(false),
  })
  .strict();

export const ModelConfigSchema = z
  .object({
    /** Seed for every random choice the services make (logged with each run). */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    /** Enactor safeguards: fencing (CAS on the active plan's generation) and guarded cleanup. */
    safeguards: z.enum(['on', 'off']).default('off'),
    /** Endpoints per plan: the regional endpoint first, then FIPS, then per-cell names. */
    endpoints: ms(1, 5000).default(10),
    /** How often the Planner writes a new plan generation. */
    planIntervalMs: ms(10, 60_000).default(200),
    /** Cleanup deletes plans more than this many generations older than the one just applied (K). */
    cleanupKeepGenerations: ms(1, 10_000).default(3),
    /** How long an Enactor waits before looking again when there is nothing newer to apply. */
    enactorPollMs: ms(1, 10_000).default(50),
    /** How long an Enactor's lease on the plan it applies lasts without renewal (safeguards on). */
    leaseTtlMs: ms(100, 600_000).default(60_000),
    /** Route 53 coalesces record changes into one zone-file write at most this often. */
    zoneRenderIntervalMs: ms(1, 5000).default(20),
    dynamodb: DynamodbSettingsSchema.default(DynamodbSettingsSchema.parse({})),
  })
  .strict();

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type DynamodbSettings = z.infer<typeof DynamodbSettingsSchema>;

export const DEFAULT_MODEL_CONFIG: ModelConfig = ModelConfigSchema.parse({});

export function modelConfigPath(runDir: string): string {
  return join(runDir, 'model.json');
}

export function readModelConfig(runDir: string): ModelConfig {
  return ModelConfigSchema.parse(JSON.parse(readFileSync(modelConfigPath(runDir), 'utf8')));
}

/** Capacity C of the DynamoDB stand-in in ops/s. */
export function dynamodbCapacityPerSec(d: DynamodbSettings): number {
  return d.serviceTimeMs === 0 ? Infinity : (d.workers * 1000) / d.serviceTimeMs;
}

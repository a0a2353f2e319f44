/**
 * The model's settings: how the stand-ins behave (safeguards, plan cadence, capacity, …). A lab
 * writes the effective settings to its run folder as model.json; every service reads them from
 * there, and scenarios override them with `settings:` and `--set key=value`.
 */
import { z } from 'zod';

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

export const DynamodbSettingsSchema = z
  .object({
    /** Concurrent workers; with serviceTimeMs this sets the capacity C = workers / serviceTimeMs. */
    workers: ms(1, 1000).default(40),
    /** Simulated time one item (a get, a put, one entry of a batch) occupies a worker. */
    serviceTimeMs: z.number().min(0).max(10_000).default(10),
    /** Queue order in front of the workers. adaptive-lifo switches to LIFO while the queue is long. */
    queue: z.enum(['fifo', 'lifo', 'adaptive-lifo']).default('fifo'),
    /**
     * Maximum queued capacity units, items (null: unbounded); beyond it a request is refused at
     * once (ProvisionedThroughputExceededException), a batch keeps what fits and returns the rest
     * unprocessed.
     */
    queueLimit: ms(1, 10_000_000).nullable().default(null),
    /** Drop queued requests whose client has hung up (timed out) instead of serving them. */
    dropExpired: z.boolean().default(false),
    /** The access key id clients sign with (SigV4); requests signed with another are refused. A user's service signs with `<accessKeyId>.<its name>`. */
    accessKeyId: z.string().min(1).default('outage-lab'),
    /**
     * A user's service's connection is closed (Connection: close) after its first answer past this
     * age, as endpoints recycle connections: so the service's SDK opens a new one — and resolves the
     * endpoint's name again — within this long of a DNS change. 2 s: compressed like the rest of the
     * timeline (the record's TTL is 1 s), so most of a quick run's ~9 s empty record is met through
     * DNS, not on a socket opened before. The lab's own clients resolve the name before every
     * request and are not affected.
     */
    serviceConnectionMaxAgeMs: ms(100, 3_600_000).default(2000),
  })
  .strict();

const STRATEGY = z.enum(['naive', 'exponential', 'full-jitter', 'equal-jitter', 'decorrelated-jitter']);

export const DwfmSettingsSchema = z
  .object({
    /** M: droplets, each with a lease in DynamoDB. */
    droplets: ms(1, 2_000_000).default(20_000),
    /** A lease not renewed within this lapses (the incident's minutes, compressed to seconds). */
    leaseTtlMs: ms(1000, 3_600_000).default(21_000),
    /** Each lease is renewed this often (spread over the period). */
    renewPeriodMs: ms(500, 3_600_000).default(20_000),
    /** Leases per BatchWriteItem (each lease is one item of capacity; DynamoDB takes at most 25). */
    batchSize: ms(1, 25).default(25),
    /** How long DWFM waits for one batch before it stops waiting (the request stays on the wire). */
    requestTimeoutMs: ms(10, 600_000).default(1000),
    /** Retry strategy for re-establishing lapsed leases. */
    strategy: STRATEGY.default('naive'),
    baseBackoffMs: ms(1, 600_000).default(100),
    maxBackoffMs: ms(1, 600_000).default(20_000),
    /** naive: pause after a fast failure (DNS empty, refused) so it does not spin. */
    fastFailRetryMs: ms(0, 600_000).default(500),
    /** Client-side limit on re-establish batches in flight: null none, a number, or adaptive (AIMD). */
    concurrency: z.union([ms(1, 100_000), z.literal('adaptive')]).nullable().default(null),
    /** Retry budget: retries spend tokens refilled at ratePerSec up to burst (null: none). */
    retryBudget: z.object({ ratePerSec: z.number().positive(), burst: ms(1, 1_000_000) }).strict().nullable().default(null),
    /** The runbook's manual throttle from the start (usually applied at run time instead). */
    throttle: z.object({ maxPerSec: z.number().positive().nullable(), maxConcurrency: ms(1, 100_000).nullable() }).strict().nullable().default(null),
    /** Sockets to each DynamoDB address (3 of them): the SDK client's in-flight cap, unless sdk.maxSockets says otherwise. */
    connectionsPerAddress: ms(1, 10_000).default(128),
    /**
     * The AWS SDK under DWFM. retryMode none: the SDK does not retry and DWFM's own loop (strategy,
     * requestTimeoutMs) does; standard / adaptive: the SDK's modes, legacy: SDK v2's DynamoDB
     * defaults — then DWFM sets no timeout of its own (the SDK's requestTimeoutMs, default none) and
     * its loop re-sends only what the SDK gave up on. null: the SDK's default (no timeout, 50
     * sockets, the rules' attempts; maxSockets null with retryMode none: connectionsPerAddress × 3).
     * retryRules: which rules the standard and adaptive modes follow — 2026, the SDK as installed
     * (@smithy/core 3.41: DynamoDB 4 attempts from a 25 ms base, a transient retry 14 quota tokens,
     * a throttled one 5 after a 1 s base), or pre-2026, the same modes as @smithy/core 3.39.0
     * shipped them without SMITHY_NEW_RETRIES_2026 (3 attempts from 100 ms, a timeout or network
     * retry 10 tokens, any other 5, throttling from 500 ms).
     */
    sdk: z
      .object({
        retryMode: z.enum(['none', 'standard', 'adaptive', 'legacy']).default('none'),
        // `--set dwfm.sdk.retryRules=2026` reads as a number: take it as the name.
        retryRules: z.preprocess((v) => (v === 2026 ? '2026' : v), z.enum(['2026', 'pre-2026'])).default('2026'),
        maxAttempts: ms(1, 50).nullable().default(null),
        requestTimeoutMs: ms(1, 600_000).nullable().default(null),
        connectionTimeoutMs: ms(1, 600_000).nullable().default(null),
        maxSockets: ms(1, 100_000).nullable().default(null),
      })
      .strict()
      .default({ retryMode: 'none', retryRules: '2026', maxAttempts: null, requestTimeoutMs: null, connectionTimeoutMs: null, maxSockets: null }),
    /** Instances one droplet can host (RunInstances capacity). */
    instancesPerDroplet: ms(1, 255).default(4),
  })
  .strict();

export const NetmgrSettingsSchema = z
  .object({
    /** Network-state changes propagated per second. */
    ratePerSec: z.number().positive().max(1_000_000).default(1000),
  })
  .strict();

export const NlbSettingsSchema = z
  .object({
    /** Instances behind the NLB (target j runs on droplet j). */
    targets: ms(1, 1000).default(24),
    healthIntervalMs: ms(50, 60_000).default(500),
    healthTimeoutMs: ms(10, 60_000).default(200),
    unhealthyThreshold: ms(1, 100).default(2),
    healthyThreshold: ms(1, 100).default(2),
    /** Velocity control: at most this share of the targets removed per window (null: off). */
    velocity: z.object({ maxRemovedFraction: z.number().min(0).max(1), windowMs: ms(100, 3_600_000) }).strict().nullable().default(null),
    /** When every target fails its checks, send traffic to all of them. */
    failOpen: z.boolean().default(true),
  })
  .strict();

export const RedisSettingsSchema = z
  .object({
    /**
     * aof-always: append-only file, fsync before every reply (a store that acknowledges only
     * durable writes); aof-everysec: fsync once a second (up to a second of acknowledged writes
     * can be lost on a crash); off: memory only (a restart loses everything).
     */
    persistence: z.enum(['aof-always', 'aof-everysec', 'off']).default('aof-always'),
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
    dwfm: DwfmSettingsSchema.default(DwfmSettingsSchema.parse({})),
    netmgr: NetmgrSettingsSchema.default(NetmgrSettingsSchema.parse({})),
    nlb: NlbSettingsSchema.default(NlbSettingsSchema.parse({})),
    redis: RedisSettingsSchema.default(RedisSettingsSchema.parse({})),
  })
  .strict();

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type DynamodbSettings = z.infer<typeof DynamodbSettingsSchema>;
export type DwfmSettings = z.infer<typeof DwfmSettingsSchema>;
export type NlbSettings = z.infer<typeof NlbSettingsSchema>;
export type RedisPersistence = z.infer<typeof RedisSettingsSchema>['persistence'];

export const DEFAULT_MODEL_CONFIG: ModelConfig = ModelConfigSchema.parse({});


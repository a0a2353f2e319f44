/**
 * A service file: how the lab starts a user's own service and judges it through the outage. It
 * says how to start it (a command for the local runtime; a Dockerfile for Docker and Kubernetes),
 * where it listens and how the lab knows it is ready, the environment it needs, the DynamoDB
 * tables it uses (key schema, capacity in the lab's model, seed items), its workload (HTTP
 * requests at open-model rates, and how its callers retry) and its SLO. Read like a scenario
 * file: a wrong field is an InputError (exit 2) naming the file, the field and the fix.
 *
 * The lab adds the environment every AWS SDK reads (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, a
 * per-service access key) and the address to listen on; the user's code is not changed.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { readYamlMapping } from '../core/yaml-file.ts';
import { describeIssues } from '../core/zod-issues.ts';

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What the lab sets itself: a service file may not set these (the lab's values would be lost). */
export const LAB_ENV = ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

// The path names the field in every message: the messages say only what is wrong.
const positive = () => z.number({ error: 'a number greater than 0' }).positive({ error: 'a number greater than 0' });
const duration = (max: number) => z.number({ error: 'milliseconds, a whole number' }).int({ error: 'milliseconds, a whole number' }).min(1, { error: 'at least 1 ms' }).max(max, { error: `at most ${max} ms` });

const KeyAttribute = z.strictObject({
  name: z.string().min(1, { error: 'an attribute name' }),
  type: z.enum(['S', 'N', 'B'], { error: 'S, N or B (string, number or binary)' }),
});

/** Items written before the experiment: `count` items from a template whose `{i}` is the item's number. */
const Seed = z.strictObject({
  count: z.number().int().min(0).max(1_000_000, { error: 'at most 1,000,000 items' }),
  /** DynamoDB JSON with `{i}` (and `{i % n}`) in strings, e.g. {"customer": {"S": "c{i % 100}"}, "order": {"S": "o{i}"}}. */
  item: z.record(z.string(), z.record(z.string(), z.unknown())),
});

const Table = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, { error: 'a DynamoDB table name: 3 to 255 of a-z A-Z 0-9 _ . -' }),
  partitionKey: KeyAttribute,
  sortKey: KeyAttribute.optional(),
  /** The lab's capacity model for this table (workers × service time, a queue). */
  capacity: z
    .strictObject({
      workers: z.number().int().min(1).max(1000),
      serviceTimeMs: positive(),
      queueLimit: z.number().int().min(0).optional(),
    })
    .optional(),
  /**
   * Provisioned throughput as DynamoDB meters it, on top of the queue: read and write capacity
   * units per second, each a token bucket keeping `burstSeconds` of unused capacity (DynamoDB:
   * 300), starting with `initialBurstSeconds` of it; an empty bucket answers
   * ProvisionedThroughputExceededException (the SDKs' throttling error).
   */
  provisioned: z
    .strictObject({
      readCapacityUnits: z.number().min(1).max(1_000_000),
      writeCapacityUnits: z.number().min(1).max(1_000_000),
      burstSeconds: z.number().min(0).max(3600).default(300),
      initialBurstSeconds: z.number().min(0).max(3600).default(0),
    })
    .optional(),
  /**
   * On-demand with a maximum throughput (DynamoDB's OnDemandThroughput), on top of the queue: read
   * and write request units per second above which requests are refused at once with
   * ThrottlingException. Not with `provisioned`: a table has one billing mode.
   */
  onDemand: z
    .strictObject({
      maxReadRequestUnits: z.number().min(1).max(1_000_000).optional(),
      maxWriteRequestUnits: z.number().min(1).max(1_000_000).optional(),
    })
    .refine((o) => o.maxReadRequestUnits !== undefined || o.maxWriteRequestUnits !== undefined, { error: 'give maxReadRequestUnits, maxWriteRequestUnits or both (an on-demand table without them is the lab\'s queue alone: leave onDemand out)' })
    .optional(),
  seed: Seed.optional(),
}).refine((t) => !(t.provisioned && t.onDemand), { error: 'a table is provisioned or on-demand, not both: keep one of provisioned and onDemand', path: ['onDemand'] });

/** How the service's callers retry a failed request: not at all, at once N times, or with jittered backoff. */
const CallerRetry = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('none') }),
    z.strictObject({ mode: z.literal('immediate'), attempts: z.number().int().min(2).max(20, { error: 'at most 20 attempts' }) }),
    z.strictObject({ mode: z.literal('backoff'), attempts: z.number().int().min(2).max(20), baseMs: duration(60_000), capMs: duration(600_000) }),
  ],
  { error: 'none, immediate (with attempts) or backoff (with attempts, baseMs, capMs)' },
);

const PLACEHOLDER = /\{([a-z][a-zA-Z0-9]*)\}/g;

const Request = z
  .strictObject({
    name: z.string().regex(NAME, { error: 'a short name: lower case letters, digits and -' }),
    method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], { error: 'GET, POST, PUT, DELETE or PATCH' }),
    /** The path, with `{key}` placeholders drawn from `workload.keys`. */
    path: z.string().startsWith('/', { error: 'a path starting with /, e.g. /orders/{customer}' }),
    /** Requests per second (Poisson arrivals: an open model, as real callers send). */
    rate: positive(),
    /** A JSON body template; strings may hold `{key}` placeholders. */
    body: z.unknown().optional(),
  })
  .refine((r) => r.body === undefined || r.method !== 'GET', { error: 'a GET request has no body: remove it, or use POST', path: ['body'] });

const KeySet = z.strictObject({
  /** Values `<prefix><n>` for n in [0, count): the keys the seed wrote, or new ones. */
  prefix: z.string(),
  count: z.number().int().min(1).max(10_000_000),
});

export const ServiceFileSchema = z
  .strictObject({
    name: z.string().regex(NAME, { error: 'a short name: lower case letters, digits and -, starting with a letter (it names the service in reports and its access key)' }),
    /** The language, for the report (node, python, go, java, …). */
    language: z.string().min(1),
    /** The AWS SDK the service ships, for the report. */
    sdk: z.strictObject({
      name: z.string().min(1),
      version: z.string().min(1),
      /**
       * The environment variable that turns on the service's own retry loop without backoff (its
       * value N: N more calls at once, the SDK's retries off), for the map's prediction.
       */
      handWrittenRetryEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'an environment variable name, e.g. ORDERS_NAIVE_RETRY' }).optional(),
      /**
       * The environment variable that, set to 1, makes the service run its SDK's retry code from
       * before the 2026 update (an older release installed beside the current one), where the SDK
       * itself cannot (Node's and Go's changed standard in place): `default-before-2026` sets it.
       */
      before2026Env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'an environment variable name, e.g. ORDERS_RETRIES_PRE_2026' }).optional(),
    }),
    start: z
      .strictObject({
        /** The local runtime's command, run in `cwd` (relative to the service file). */
        command: z.array(z.string().min(1), { error: 'a list: the program and its arguments, e.g. [node, server.mjs]' }).min(1, { error: 'the program and its arguments, e.g. [node, server.mjs]' }).optional(),
        cwd: z.string().default('.'),
        /** Docker and Kubernetes: the image, built locally from this Dockerfile. */
        dockerfile: z.string().optional(),
        /** How long the service may take to become ready. */
        readyTimeoutMs: duration(600_000).default(30_000),
        /** How long it has after SIGTERM before SIGKILL. */
        stopGraceMs: duration(60_000).default(5_000),
        /** How long its workload may take to meet the SLO over one window before any fault (warm-up). */
        steadyWithinMs: duration(600_000).default(60_000),
      })
      .refine((s) => s.command || s.dockerfile, { error: 'give command (local runtime) or dockerfile (Docker, Kubernetes), or both' }),
    /** Where it listens: the lab picks the address and passes it in these variables. */
    listen: z.strictObject({
      hostEnv: z.string().regex(ENV_NAME, { error: 'an environment variable name' }).default('HOST'),
      portEnv: z.string().regex(ENV_NAME, { error: 'an environment variable name' }).default('PORT'),
    }).default({ hostEnv: 'HOST', portEnv: 'PORT' }),
    /** A path answering 2xx once the service can serve. */
    ready: z.strictObject({ path: z.string().startsWith('/', { error: 'a path starting with /' }) }),
    env: z
      .record(z.string().regex(ENV_NAME, { error: 'an environment variable name' }), z.string({ error: 'a string (quote numbers)' }))
      .default({})
      .superRefine((env, ctx) => {
        for (const k of Object.keys(env)) if ((LAB_ENV as readonly string[]).includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `the lab sets ${k} itself (the stand-in's endpoint, region and the service's own access key): remove it` });
      }),
    tables: z.array(Table).min(1, { error: 'at least one table the service uses' }),
    workload: z.strictObject({
      keys: z.record(z.string().regex(/^[a-z][a-zA-Z0-9]*$/, { error: 'a placeholder name' }), KeySet).default({}),
      requests: z.array(Request).min(1, { error: 'at least one request' }),
      /** How long a caller waits for an answer. */
      timeoutMs: duration(120_000).default(2_000),
      callers: z.strictObject({ retry: CallerRetry }).default({ retry: { mode: 'none' } }),
    }),
    slo: z.strictObject({
      /** The share of requests answered 2xx within the latency bound. */
      successRatio: z.number().gt(0, { error: 'a ratio in (0, 1], e.g. 0.99' }).max(1, { error: 'a ratio in (0, 1], e.g. 0.99' }),
      latencyMs: duration(120_000),
      /** The window over which the ratio is taken. */
      windowMs: duration(600_000).default(5_000),
      /** The service must meet its SLO again within this long after DNS is restored. */
      recoverWithinMs: duration(3_600_000),
    }),
  })
  .superRefine((f, ctx) => {
    const names = new Set<string>();
    for (const [i, t] of f.tables.entries()) {
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tables', i, 'name'], message: `table ${t.name} is listed twice` });
      names.add(t.name);
      if (t.sortKey && t.sortKey.name === t.partitionKey.name) ctx.addIssue({ code: 'custom', path: ['tables', i, 'sortKey', 'name'], message: 'the sort key must differ from the partition key' });
      for (const k of [t.partitionKey, t.sortKey]) if (k && t.seed && !(k.name in t.seed.item)) ctx.addIssue({ code: 'custom', path: ['tables', i, 'seed', 'item'], message: `every seeded item needs the key attribute ${k.name}` });
    }
    const requestNames = new Set<string>();
    for (const [i, r] of f.workload.requests.entries()) {
      if (requestNames.has(r.name)) ctx.addIssue({ code: 'custom', path: ['workload', 'requests', i, 'name'], message: `request ${r.name} is listed twice` });
      requestNames.add(r.name);
      const used = [...r.path.matchAll(PLACEHOLDER), ...JSON.stringify(r.body ?? null).matchAll(PLACEHOLDER)].map((m) => m[1]!);
      for (const u of used) if (!(u in f.workload.keys)) ctx.addIssue({ code: 'custom', path: ['workload', 'requests', i], message: `{${u}} is not one of workload.keys (${Object.keys(f.workload.keys).join(', ') || 'none'}): add it there` });
    }
    if (f.listen.hostEnv === f.listen.portEnv) ctx.addIssue({ code: 'custom', path: ['listen', 'portEnv'], message: 'hostEnv and portEnv must be different variables' });
  });

export type ServiceFile = z.output<typeof ServiceFileSchema>;

/** A service file read and checked, with its folder (where `cwd` and `dockerfile` are relative to). */
export interface ServiceSpec extends ServiceFile {
  readonly file: string;
  readonly dir: string;
}

/** Reads and validates a service file; any problem is an InputError naming the file and the field. */
export function loadServiceFile(path: string): ServiceSpec {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(`--service ${path}: no such file: give the path to a service file (see docs/your-service.md)`);
  const doc = readYamlMapping(file, path, 'name, language, sdk, start, ready, tables, workload, slo');
  const r = ServiceFileSchema.safeParse(doc);
  if (!r.success) throw new InputError(describeIssues(path, r.error, doc));
  const dir = dirname(file);
  const spec: ServiceSpec = { ...r.data, file, dir };
  const cwd = isAbsolute(spec.start.cwd) ? spec.start.cwd : resolve(dir, spec.start.cwd);
  if (!existsSync(cwd)) throw new InputError(`${path}: start.cwd: ${cwd} does not exist`);
  if (spec.start.dockerfile !== undefined && !existsSync(resolve(dir, spec.start.dockerfile))) throw new InputError(`${path}: start.dockerfile: ${resolve(dir, spec.start.dockerfile)} does not exist`);
  return spec;
}

/** `--service` files for a runtime: each must say how that runtime starts it (a command locally, a Dockerfile in Docker and on Kubernetes). */
export function loadServiceFilesFor(paths: readonly string[], runtime: string): ServiceSpec[] {
  const services = loadServiceFiles(paths);
  for (const s of services) {
    if (runtime === 'docker' && !s.start.dockerfile) throw new InputError(`--service ${s.file}: start.dockerfile: the Docker runtime builds ${s.name}'s image from a Dockerfile: add one (docs/your-service.md), or drop --runtime docker`);
    if (runtime === 'kubernetes' && !s.start.dockerfile) throw new InputError(`--service ${s.file}: start.dockerfile: on Kubernetes ${s.name} runs in its own container of each shard's pod, from an image built from a Dockerfile: add one (docs/your-service.md), or drop --on kubernetes`);
    if (runtime !== 'docker' && runtime !== 'kubernetes' && !s.start.command) throw new InputError(`--service ${s.file}: start.command: the local runtime runs ${s.name} from a command: add one, or use --runtime docker`);
  }
  return services;
}

/** Several --service files: each valid, and no two with one name (a name is the service's access key). */
export function loadServiceFiles(paths: readonly string[]): ServiceSpec[] {
  const specs = paths.map(loadServiceFile);
  const seen = new Map<string, string>();
  for (const s of specs) {
    const other = seen.get(s.name);
    if (other) throw new InputError(`--service: ${other} and ${s.file} are both named ${s.name}: give each service its own name`);
    seen.set(s.name, s.file);
  }
  const tables = new Map<string, string>();
  for (const s of specs) {
    for (const t of s.tables) {
      const other = tables.get(t.name);
      if (other) throw new InputError(`--service: ${other} and ${s.file} both use table ${t.name}: give each service tables of its own (the lab creates, sizes and seeds each service's tables)`);
      tables.set(t.name, s.file);
    }
  }
  return specs;
}

/**
 * A service with a sweep cell's `service.*` assignments applied and checked again: `service.load=X`
 * multiplies every request's rate by X; any other `service.<path>=value` sets that field of the
 * file (`service.env.ORDERS_NAIVE_RETRY=5`, `service.tables.0.capacity.workers=3`; in `env` a
 * value is a string and null removes the variable). A field the file cannot take is an InputError
 * naming it.
 */
export function withServiceSets(spec: ServiceSpec, sets: readonly (readonly [string, unknown])[], flag = '--grid'): ServiceSpec {
  if (!sets.length) return spec;
  const { file, dir, ...doc } = structuredClone(spec) as ServiceSpec;
  const raw = doc as unknown as Record<string, unknown>;
  for (const [key, value] of sets) {
    const path = key.replace(/^service\./, '').split('.');
    if (path.length === 1 && path[0] === 'load') {
      if (typeof value !== 'number' || !(value > 0)) throw new InputError(`${flag} ${key}=${String(value)}: a factor above 0 for every request's rate, e.g. service.load=0.5,1,1.5`);
      for (const r of doc.workload.requests as { rate: number }[]) r.rate = Math.round(r.rate * value * 1000) / 1000;
      continue;
    }
    let node: Record<string, unknown> = raw;
    for (const [i, part] of path.slice(0, -1).entries()) {
      const child = node[part];
      if (child === null || typeof child !== 'object') throw new InputError(`${flag} ${key}: ${path.slice(0, i + 1).join('.')} is not a field of ${spec.name}'s file that holds others`);
      node = child as Record<string, unknown>;
    }
    const last = path.at(-1)!;
    if (path[0] === 'env' && path.length === 2) {
      if (value === null) delete node[last];
      else node[last] = String(value);
    } else node[last] = value;
  }
  const r = ServiceFileSchema.safeParse(raw);
  if (!r.success) throw new InputError(describeIssues(`${flag} service.* on ${file}`, r.error, raw));
  return { ...r.data, file, dir };
}

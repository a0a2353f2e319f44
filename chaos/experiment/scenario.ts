/**
 * Scenarios are YAML files validated with a schema before anything starts: the model settings,
 * the load, the steady-state hypothesis, the fault schedule, operator (runbook) actions, stop
 * conditions and checks. `--set key=value` overrides any field by its dotted path (a bare key
 * means `settings.<key>`), and the result is validated again, so an error always names the field.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { ModelConfigSchema } from '../../core/model-config.ts';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { readYamlMapping } from '../../core/yaml-file.ts';
import { describeIssues } from '../../core/zod-issues.ts';
import { CheckSpecSchema } from '../checks/index.ts';
import { EventName, Match } from './event-match.ts';
import { FaultSpecSchema } from './faults/index.ts';
import { OPERATOR_ACTIONS } from './operator/index.ts';

const ms = (max = 3_600_000) => z.number().int().min(0).max(max);


const Trigger = z.union([
  z.object({ atMs: ms(), unlessEvent: EventName.optional() }).strict(),
  z
    .object({
      afterEvent: EventName,
      /** Only events whose fields equal these, e.g. { regional: true }. */
      match: Match.default({}),
      delayMs: ms().default(0),
      /** Skip the action if an event of this type happened first, since the faults began (e.g. the fleet recovered on its own). */
      unlessEvent: EventName.optional(),
    })
    .strict(),
]);

type TriggerSpec = z.infer<typeof Trigger>;

/** One entry of `operator:` — an action from the registry (chaos/operator/), its settings and when. */
export interface OperatorActionSpec {
  readonly action: string;
  readonly when: TriggerSpec;
  readonly [setting: string]: unknown;
}

export const OperatorActionSchema = z.discriminatedUnion(
  'action',
  OPERATOR_ACTIONS.map((a) => z.object({ action: z.literal(a.action), when: Trigger, ...a.settings.shape }).strict()) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<OperatorActionSpec>;

export const CustomerLoadSchema = z
  .object({
    /** Arrivals per second (open model: arrivals do not wait for earlier requests). */
    ratePerSec: z.number().min(0).max(10_000).default(50),
    /** Share of requests that are writes (the rest read back acknowledged writes). */
    writeRatio: z.number().min(0).max(1).default(0.5),
    /** How long a customer waits for an answer. */
    timeoutMs: ms(60_000).default(1000),
    /** Cap on outstanding requests; arrivals beyond it are counted as dropped by the generator. */
    maxInFlight: z.number().int().min(1).max(100_000).default(2000),
  })
  .strict();

const HttpLoadSchema = z
  .object({
    ratePerSec: z.number().min(0).max(10_000),
    timeoutMs: ms(60_000).default(2000),
    maxInFlight: z.number().int().min(1).max(100_000).default(2000),
  })
  .strict();

export const ScenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and dashes'),
    description: z.string().default(''),
    settings: ModelConfigSchema.partial().default({}),
    load: z
      .object({
        customers: CustomerLoadSchema.default(CustomerLoadSchema.parse({})),
        /** RunInstances calls on DWFM (launch.second events). */
        launches: HttpLoadSchema.nullable().default(null),
        /** Customer requests through the NLB (nlb.second events). */
        nlb: HttpLoadSchema.nullable().default(null),
      })
      .strict()
      .default({ customers: CustomerLoadSchema.parse({}), launches: null, nlb: null }),
    steadyState: z
      .object({
        /** Let every component settle before observing anything. */
        warmupMs: ms(600_000).default(2000),
        /** The hypothesis must hold for this long before faults start. */
        verifyForMs: ms(600_000).default(2000),
        /**
         * After the warm-up, the lab's own steady state (no DWFM lease lapsing, none for warmupMs)
         * must come within this long, else the run is aborted (chaos/run/lab-settled.ts).
         */
        settleWithinMs: ms(600_000).default(60_000),
        /** Largest share of customer requests that may fail while the hypothesis holds. */
        maxCustomerErrorRate: z.number().min(0).max(1).default(0.01),
      })
      .strict()
      .default({ warmupMs: 2000, verifyForMs: 2000, settleWithinMs: 60_000, maxCustomerErrorRate: 0.01 }),
    faults: z.array(FaultSpecSchema).default([]),
    operator: z.array(OperatorActionSchema).default([]),
    stop: z
      .object({
        /** The run never lasts longer than this. */
        maxDurationMs: ms().default(60_000),
        /** End early this long after the first event of any of these types. */
        afterEvents: z
          .array(
            z.union([
              z
                .object({
                  event: EventName,
                  delayMs: ms().default(0),
                  /** Only events whose fields equal these, e.g. { enactor: enactor1 }. */
                  match: Match.default({}),
                  /** Only once an event of this type has happened, e.g. the backlog drained after every lease is back. */
                  after: EventName.optional(),
                })
                .strict(),
              z
                .object({
                  /** End once every one of these has happened (in any order)… */
                  allOf: z.array(EventName).min(1),
                  /** …and no window from one event to another is open, e.g. a network backlog building until it drains. */
                  notDuring: z.array(z.object({ from: EventName, until: EventName }).strict()).default([]),
                  delayMs: ms().default(0),
                })
                .strict(),
            ]),
          )
          .default([]),
      })
      .strict()
      .default({ maxDurationMs: 60_000, afterEvents: [] }),
    checks: z.array(CheckSpecSchema).default([]),
    /** `--set` assignments applied first under --quick (the same experiment, scaled down). */
    quick: z.array(z.string().regex(/^[^=]+=.*$/, 'each entry is key=value, as --set takes')).default([]),
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;

export const SCENARIO_DIR = join(PROJECT_ROOT, 'chaos', 'scenarios');

/** A scenario name ("dns-race") or a path to a YAML file. */
export function scenarioPath(nameOrPath: string): string {
  if (nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml') || nameOrPath.includes('/')) return nameOrPath;
  return join(SCENARIO_DIR, `${nameOrPath}.yaml`);
}

/** Parses "a.b=c" values: numbers, booleans and null as such, JSON for [..] and {..}, else strings. */
export function parseSetValue(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (/^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new InputError(`--set value ${raw} looks like JSON but does not parse: quote it properly`);
    }
  }
  return raw;
}

/**
 * `--set` assignments split: the scenario's (as --set strings) and the service files' (`service.*`,
 * parsed; `withServiceSets` applies them). `refused` maps a key to the flag that sets it instead.
 */
export function splitSets(sets: readonly string[], refused: Readonly<Record<string, string>> = {}): { scenario: string[]; service: [string, unknown][] } {
  const scenario: string[] = [];
  const service: [string, unknown][] = [];
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new InputError(`--set ${s}: expected key=value, e.g. --set faults.1.durationMs=12000 or --set service.load=0.5`);
    const key = s.slice(0, eq).trim();
    const instead = refused[key];
    if (instead) throw new InputError(`--set ${s}: ${instead}`);
    if (key.startsWith('service.')) service.push([key, parseSetValue(s.slice(eq + 1).trim())]);
    else scenario.push(s);
  }
  return { scenario, service };
}

const SETTING_KEYS = new Set(Object.keys(ModelConfigSchema.shape));

/** Applies one --set override to a raw (not yet validated) scenario document. */
export function applySet(doc: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new InputError(`--set ${assignment}: expected key=value, e.g. --set safeguards=on`);
  let path = assignment.slice(0, eq).split('.');
  const value = parseSetValue(assignment.slice(eq + 1));
  if (SETTING_KEYS.has(path[0]!)) path = ['settings', ...path];
  const top = path[0]!;
  if (!(top in ScenarioSchema.shape)) {
    throw new InputError(
      `--set ${assignment}: unknown setting "${path.join('.')}"; settings are ${[...SETTING_KEYS].join(', ')} (or a scenario path such as faults.0.latencyMs)`,
    );
  }
  let node: Record<string, unknown> | unknown[] = doc;
  for (const [i, part] of path.slice(0, -1).entries()) {
    const key: string | number = Array.isArray(node) ? Number(part) : part;
    let child = (node as Record<string | number, unknown>)[key];
    if (child === undefined || child === null) {
      child = /^\d+$/.test(path[i + 1]!) ? [] : {};
      (node as Record<string | number, unknown>)[key] = child;
    }
    if (typeof child !== 'object') throw new InputError(`--set ${assignment}: ${path.slice(0, i + 1).join('.')} is not an object`);
    node = child as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  (node as Record<string | number, unknown>)[Array.isArray(node) ? Number(last) : last] = value;
}

/** Lists a child adds to its base's rather than replacing them. */
const ADDED_LISTS = ['faults', 'operator', 'checks', 'quick'] as const;

/**
 * A scenario file's raw document, with `extends: <base>` resolved: the child's top-level fields
 * replace the base's, except its faults, operator actions, checks and quick sets, which come after
 * the base's (so the base's `faults.0` stays `faults.0` for --set).
 */
function readScenarioDoc(file: string, seen: readonly string[] = []): Record<string, unknown> {
  const doc = readYamlMapping(file, file, 'name, settings, faults, …') as Record<string, unknown>;
  if (doc.extends === undefined) return doc;
  if (typeof doc.extends !== 'string') throw new InputError(`${file}: extends: the name of a shipped scenario (e.g. us-east-1) or a path to one`);
  const baseFile = scenarioPath(doc.extends);
  if (!existsSync(baseFile)) throw new InputError(`${file}: extends: scenario ${doc.extends} not found (looked for ${baseFile})`);
  if (seen.includes(baseFile) || baseFile === file) throw new InputError(`${file}: extends: ${doc.extends} extends this file again (${[...seen, file].join(' → ')})`);
  const base = readScenarioDoc(baseFile, [...seen, file]);
  const { extends: _extends, ...own } = doc;
  const merged: Record<string, unknown> = { ...base, ...own };
  for (const k of ADDED_LISTS) {
    const [a, b] = [base[k] ?? [], own[k] ?? []];
    if (!Array.isArray(a) || !Array.isArray(b)) throw new InputError(`${Array.isArray(a) ? file : baseFile}: ${k}: a list`);
    merged[k] = [...a, ...b];
  }
  return merged;
}

/** Reads, overrides and validates a scenario; any problem is an InputError naming the field. With `quick`, its `quick:` sets apply before `sets`. */
export function loadScenario(nameOrPath: string, sets: readonly string[] = [], opts: { quick?: boolean } = {}): Scenario {
  const file = scenarioPath(nameOrPath);
  if (!existsSync(file)) {
    throw new InputError(`scenario ${nameOrPath} not found (looked for ${file}): give a shipped name such as dns-race, or a path to a .yaml file`);
  }
  const doc = readScenarioDoc(file);
  const quick = opts.quick ? (doc as { quick?: unknown }).quick : undefined;
  if (quick !== undefined && !(Array.isArray(quick) && quick.every((q) => typeof q === 'string'))) throw new InputError(`${file}: quick: a list of key=value assignments`);
  for (const s of [...((quick as string[] | undefined) ?? []), ...sets]) applySet(doc as Record<string, unknown>, s);
  const r = ScenarioSchema.safeParse(doc);
  if (!r.success) throw new InputError(describeIssues(sets.length ? `${file} (with --set)` : file, r.error));
  return r.data;
}

/**
 * An explicit-state model check of the shipping Enactor code: breadth-first search over every
 * interleaving of N Enactors (each running `step` from steps.ts), the Planner publishing up to G
 * generations, lease expiries, the operator's manual repair (which disables DNS automation), and
 * step errors that send an Enactor back to its start (the request lost before Route 53 saw it, or
 * the answer lost after Route 53 acted on it). Route 53 and the plan store are MemoryControlPlane,
 * held to the service's own Lua transactions by the differential test (route53/differential.ts).
 * Breadth-first, so every violation is reported with a shortest trace.
 *
 * Properties, checked after every transition:
 *  - regional-never-empty: while automation is on, the regional record never names a deleted plan;
 *  - no-older-plan-applied: an applied plan is never older than one already applied to that record;
 *  - active-plan-never-deleted: cleanup never deletes a plan a record names;
 *  - repaired-record-kept: after the manual repair, no Enactor changes a record.
 * A violation of regional-never-empty is also classified by the race's order: the stale apply
 * then the cleanup of the now-active plan (AWS's summary), or the cleanup then the stale apply of
 * the deleted plan (the incident report); the shortest trace of each is kept.
 */
import { MemoryControlPlane, type Effect, type MemoryState } from '../memory-control-plane.ts';
import { START, step, type EnactorConfig, type EnactorState } from './steps.ts';

export const PROPERTIES = [
  { name: 'regional-never-empty', description: 'while DNS automation is on, the regional record never names a deleted plan (never resolves empty)' },
  { name: 'no-older-plan-applied', description: 'an applied plan is never older than one already applied to the same record' },
  { name: 'active-plan-never-deleted', description: 'cleanup never deletes a plan a record names' },
  { name: 'repaired-record-kept', description: 'after the manual repair, no Enactor changes a record' },
] as const;
export type PropertyName = (typeof PROPERTIES)[number]['name'];

export const RACE_ORDERS = {
  'apply-then-cleanup': "stale apply, then cleanup deletes the now-active plan (AWS's summary)",
  'cleanup-then-apply': 'cleanup deletes a plan, then a stale apply points the record at it (the incident report)',
} as const;
export type RaceOrder = keyof typeof RACE_ORDERS;

interface ModelState {
  store: MemoryState;
  enactors: EnactorState[];
  /** History: the newest generation ever applied to each record (for no-older-plan-applied). */
  maxApplied: Record<string, number>;
}

export interface CheckOptions {
  readonly enactors: number;
  readonly generations: number;
  readonly endpoints: number;
  readonly keepGenerations: number;
  readonly safeguards: boolean;
  /** Stop after this many distinct states (a bounded search). */
  readonly maxStates: number;
  /** Include the operator's repair, lease expiry and step errors (default true). */
  readonly operator?: boolean;
  readonly leaseExpiry?: boolean;
  readonly stepErrors?: boolean;
  /** For tests of the checker itself: a different control plane over the same state. */
  readonly controlPlane?: (s: MemoryState) => MemoryControlPlane;
}

export interface PropertyResult {
  readonly name: PropertyName;
  readonly description: string;
  readonly holds: boolean;
  /** The shortest trace to the first violation. */
  readonly trace?: readonly string[];
  /** For regional-never-empty: the shortest trace of each order of the race. */
  readonly orders?: Partial<Record<RaceOrder, readonly string[]>>;
}

export interface CheckResult {
  readonly options: Omit<CheckOptions, 'controlPlane'>;
  readonly states: number;
  readonly transitions: number;
  /** BFS levels explored. */
  readonly depth: number;
  /** True when every reachable state was explored (no bound was hit). */
  readonly exhausted: boolean;
  readonly ms: number;
  readonly properties: readonly PropertyResult[];
}

function key(m: ModelState): string {
  const s = m.store;
  const leases = Object.keys(s.leases).sort().map((k) => `${k}=${s.leases[k]![0]}:${s.leases[k]![1]}`);
  const records = Object.keys(s.records).sort().map((k) => `${k}=${s.records[k]}`);
  return JSON.stringify([s.plans, records, leases, s.automationDisabled ? 1 : 0, s.seq, m.enactors, m.maxApplied]);
}

function clone(m: ModelState): ModelState {
  const s = m.store;
  return {
    store: { plans: [...s.plans], records: { ...s.records }, leases: Object.fromEntries(Object.entries(s.leases).map(([k, v]) => [k, [v[0], v[1]]])), automationDisabled: s.automationDisabled, seq: s.seq },
    enactors: [...m.enactors],
    maxApplied: { ...m.maxApplied },
  };
}

interface Node {
  readonly state: ModelState;
  readonly parent: Node | undefined;
  readonly label: string;
}

function traceOf(node: Node): string[] {
  const out: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) out.push(n.label);
  return out.reverse().map((l, i) => `${String(i + 1).padStart(3)}. ${l}`);
}

export const endpointNamesForModel = (n: number): string[] => ['regional', ...Array.from({ length: n - 1 }, (_, i) => `endpoint${i + 2}`)];

interface Violation {
  readonly property: PropertyName;
  readonly order?: RaceOrder;
}

/** What a transition broke, from its effects and the state it left. */
function violations(effects: readonly Effect[], before: ModelState, after: ModelState): Violation[] {
  const out: Violation[] = [];
  const regional = after.store.records.regional;
  const regionalEmpty = !after.store.automationDisabled && typeof regional === 'number' && !after.store.plans.includes(regional);
  const wasEmpty = !before.store.automationDisabled && typeof before.store.records.regional === 'number' && !before.store.plans.includes(before.store.records.regional);
  for (const e of effects) {
    if (e.kind === 'applied') {
      if (before.store.automationDisabled) out.push({ property: 'repaired-record-kept' });
      if (e.generation < (before.maxApplied[e.endpoint] ?? 0)) out.push({ property: 'no-older-plan-applied' });
      if (e.endpoint === 'regional' && regionalEmpty && !wasEmpty) out.push({ property: 'regional-never-empty', order: 'cleanup-then-apply' });
    } else {
      if (e.namedBy.length) out.push({ property: 'active-plan-never-deleted' });
      if (e.namedBy.includes('regional') && regionalEmpty && !wasEmpty) out.push({ property: 'regional-never-empty', order: 'apply-then-cleanup' });
    }
  }
  return out;
}

export async function checkEnactors(options: CheckOptions, onProgress?: (states: number, depth: number) => void): Promise<CheckResult> {
  const started = performance.now();
  const { controlPlane, ...shown } = options;
  const withOperator = options.operator ?? true;
  const withExpiry = options.leaseExpiry ?? true;
  const withErrors = options.stepErrors ?? true;
  const makeCp = controlPlane ?? ((s: MemoryState) => new MemoryControlPlane(s, () => 0, 1));
  const endpoints = endpointNamesForModel(options.endpoints);
  const configs: EnactorConfig[] = Array.from({ length: options.enactors }, (_, i) => ({
    id: `enactor${i + 1}`,
    endpoints,
    keepGenerations: options.keepGenerations,
    safeguards: options.safeguards,
  }));
  // As the lab starts: no plan yet, every record manual (seeded with the healthy frontends).
  const initial: ModelState = {
    store: { plans: [], records: Object.fromEntries(endpoints.map((e) => [e, 'manual'])), leases: {}, automationDisabled: false, seq: 0 },
    enactors: configs.map(() => START),
    maxApplied: {},
  };
  const seen = new Set<string>([key(initial)]);
  let frontier: Node[] = [{ state: initial, parent: undefined, label: 'initial' }];
  let transitions = 0;
  let depth = 0;
  let exhausted = true;
  const found = new Map<PropertyName, { trace: string[]; orders: Partial<Record<RaceOrder, string[]>> }>();

  const successors = async (node: Node) => {
    const out: { state: ModelState; label: string; effects: Effect[] }[] = [];
    const st = node.state;
    if (st.store.seq < options.generations) {
      const s = clone(st);
      const cp = makeCp(s.store);
      await cp.publishPlan();
      out.push({ state: s, label: `planner: publishes plan ${s.store.seq}`, effects: [] });
    }
    for (const [i, cfg] of configs.entries()) {
      const before = st.enactors[i]!;
      // A normal step: exactly one control-plane call; a refusal (automation disabled) is an error → start.
      for (const mode of ['step', ...(withErrors ? ['lost-request', 'lost-answer'] : [])] as const) {
        if (mode !== 'step' && before.phase === 'pick') continue; // nothing to abandon
        const s = clone(st);
        const cp = makeCp(s.store);
        let label: string;
        if (mode === 'lost-request') {
          s.enactors[i] = START;
          label = `${cfg.id} [${before.phase}]: its call is lost before Route 53 sees it (network error) → back to start`;
        } else {
          try {
            const r = await step(cfg, before, cp);
            s.enactors[i] = mode === 'step' ? r.next : START;
            const events = r.events.map((e) => e.type.replace('enactor.', '')).join(', ');
            label = `${cfg.id} [${before.phase}]: ${cp.calls.join('; ')}${events ? `  {${events}}` : ''}${mode === 'lost-answer' ? ' — then the answer is lost (network error) → back to start' : ''}`;
          } catch (err) {
            s.enactors[i] = START;
            label = `${cfg.id} [${before.phase}]: ${cp.calls.join('; ')} → error (${(err as Error).message}) → back to start`;
          }
        }
        out.push({ state: s, label, effects: cp.effects });
      }
    }
    if (withExpiry) {
      for (const [enactor, [g, exp]] of Object.entries(st.store.leases)) {
        if (exp <= 0) continue;
        const s = clone(st);
        s.store.leases[enactor] = [g, 0];
        out.push({ state: s, label: `time passes: ${enactor}'s lease on plan ${g} expires`, effects: [] });
      }
    }
    if (withOperator && !st.store.automationDisabled) {
      const s = clone(st);
      await makeCp(s.store).restore();
      out.push({ state: s, label: 'operator: restores every record by hand and disables DNS automation (the runbook)', effects: [] });
    }
    return out;
  };

  outer: while (frontier.length > 0) {
    const next: Node[] = [];
    for (const node of frontier) {
      for (const succ of await successors(node)) {
        transitions++;
        for (const e of succ.effects) if (e.kind === 'applied') succ.state.maxApplied[e.endpoint] = Math.max(succ.state.maxApplied[e.endpoint] ?? 0, e.generation);
        const child: Node = { state: succ.state, parent: node, label: succ.label };
        const broken = violations(succ.effects, node.state, succ.state);
        // Every violation is recorded (the first, shortest, of each property and race order) and
        // the search goes on through it: one broken property can lead to another (a stale apply,
        // then the cleanup that empties the record).
        for (const v of broken) {
          const f = found.get(v.property) ?? { trace: traceOf(child), orders: {} };
          if (v.order && !f.orders[v.order]) f.orders[v.order] = traceOf(child);
          found.set(v.property, f);
        }
        const k = key(succ.state);
        if (seen.has(k)) continue;
        seen.add(k);
        if (seen.size >= options.maxStates) {
          exhausted = false;
          break outer;
        }
        next.push(child);
      }
    }
    depth++;
    onProgress?.(seen.size, depth);
    frontier = next;
  }
  return {
    options: shown,
    states: seen.size,
    transitions,
    depth,
    exhausted,
    ms: Math.round(performance.now() - started),
    properties: PROPERTIES.map((p) => {
      const f = found.get(p.name);
      return { name: p.name, description: p.description, holds: !f, ...(f ? { trace: f.trace } : {}), ...(f && Object.keys(f.orders).length ? { orders: f.orders } : {}) };
    }),
  };
}

/**
 * An explicit-state model check of the shipping Enactor code: breadth-first search over every
 * interleaving of N Enactors (each running `step` from steps.ts) and the Planner publishing up to
 * G generations, against an in-memory control plane with the same interface and semantics as
 * Route 53 + the plan store. Breadth-first, so a violation is reported with a shortest trace.
 *
 * Invariants, checked after every transition:
 *  - cleanup never deletes the plan a record names (the active plan);
 *  - the regional record never names a plan that does not exist (it is never empty).
 */
import { START, step, type ActivePlan, type ApplyResult, type ControlPlane, type DeleteResult, type EnactorConfig, type EnactorState } from './steps.ts';

interface StoreState {
  plans: number[];
  /** endpoint → generation its record names */
  records: Record<string, number>;
  /** enactor → generation it holds a lease on */
  leases: Record<string, number>;
}

interface ModelState {
  store: StoreState;
  enactors: EnactorState[];
  nextGeneration: number;
}

/** In-memory Route 53 + plan store with the stand-ins' semantics; records what each call did. */
export class MemoryControlPlane implements ControlPlane {
  readonly violations: string[] = [];
  readonly calls: string[] = [];

  constructor(readonly s: StoreState) {}

  async newestPlan(): Promise<number | undefined> {
    const newest = this.s.plans.length ? Math.max(...this.s.plans) : undefined;
    this.calls.push(`newest plan is ${newest ?? 'none'}`);
    return newest;
  }

  async lease(enactor: string, generation: number | null): Promise<void> {
    if (generation === null) delete this.s.leases[enactor];
    else this.s.leases[enactor] = generation;
    this.calls.push(generation === null ? 'releases its lease' : `takes a lease on plan ${generation}`);
  }

  async activePlan(endpoint: string): Promise<ActivePlan> {
    const generation = this.s.records[endpoint] ?? null;
    const exists = generation === null || this.s.plans.includes(generation);
    this.calls.push(`reads ${endpoint}: active plan ${generation}${exists ? '' : ' (deleted!)'}`);
    return { generation, exists };
  }

  async apply(endpoint: string, generation: number, opts: { fence: boolean }): Promise<ApplyResult> {
    const current = this.s.records[endpoint];
    if (opts.fence && current !== undefined && current > generation) {
      this.calls.push(`applies plan ${generation} to ${endpoint} → REJECTED by fencing (record has ${current})`);
      return 'stale';
    }
    this.s.records[endpoint] = generation;
    const gone = !this.s.plans.includes(generation);
    this.calls.push(`applies plan ${generation} to ${endpoint} (was ${current})${gone ? ' — that plan was already deleted' : ''}`);
    return 'applied';
  }

  async listPlans(): Promise<number[]> {
    this.calls.push(`lists plans [${this.s.plans.join(', ')}]`);
    return [...this.s.plans];
  }

  async deletePlan(generation: number, opts: { guard: boolean }): Promise<DeleteResult> {
    if (!this.s.plans.includes(generation)) {
      this.calls.push(`deletes plan ${generation} → already gone`);
      return 'gone';
    }
    const namedBy = Object.entries(this.s.records).filter(([, g]) => g === generation).map(([e]) => e);
    if (opts.guard && namedBy.length) {
      this.calls.push(`deletes plan ${generation} → REFUSED: active on ${namedBy.join(', ')}`);
      return 'active';
    }
    const leasedBy = Object.entries(this.s.leases).filter(([, g]) => g === generation).map(([e]) => e);
    if (opts.guard && leasedBy.length) {
      this.calls.push(`deletes plan ${generation} → REFUSED: leased by ${leasedBy.join(', ')}`);
      return 'leased';
    }
    this.s.plans = this.s.plans.filter((g) => g !== generation);
    this.calls.push(`deletes plan ${generation}`);
    if (namedBy.length) this.violations.push(`cleanup deleted plan ${generation}, the active plan of ${namedBy.join(', ')}`);
    return 'deleted';
  }
}

export interface CheckOptions {
  readonly enactors: number;
  readonly generations: number;
  readonly endpoints: number;
  readonly keepGenerations: number;
  readonly safeguards: boolean;
  /** Stop after this many distinct states (a bounded search). */
  readonly maxStates: number;
}

export interface CheckResult {
  readonly options: CheckOptions;
  readonly statesExplored: number;
  readonly transitions: number;
  /** True when every reachable state was explored (no bound was hit). */
  readonly complete: boolean;
  readonly elapsedMs: number;
  readonly violation?: { readonly message: string; readonly trace: readonly string[] };
}

function key(m: ModelState): string {
  const leases = Object.keys(m.store.leases).sort().map((k) => `${k}=${m.store.leases[k]}`);
  const records = Object.keys(m.store.records).sort().map((k) => `${k}=${m.store.records[k]}`);
  return JSON.stringify([[...m.store.plans].sort((a, b) => a - b), records, leases, m.enactors, m.nextGeneration]);
}

function clone(m: ModelState): ModelState {
  return {
    store: { plans: [...m.store.plans], records: { ...m.store.records }, leases: { ...m.store.leases } },
    enactors: [...m.enactors],
    nextGeneration: m.nextGeneration,
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

export async function checkEnactors(options: CheckOptions, onProgress?: (states: number) => void): Promise<CheckResult> {
  const started = performance.now();
  const endpoints = endpointNamesForModel(options.endpoints);
  const configs: EnactorConfig[] = Array.from({ length: options.enactors }, (_, i) => ({
    id: `enactor${i + 1}`,
    endpoints,
    keepGenerations: options.keepGenerations,
    safeguards: options.safeguards,
  }));
  const initial: ModelState = {
    store: { plans: [1], records: Object.fromEntries(endpoints.map((e) => [e, 1])), leases: {} },
    enactors: configs.map(() => START),
    nextGeneration: 2,
  };
  const seen = new Set<string>([key(initial)]);
  let frontier: Node[] = [{ state: initial, parent: undefined, label: 'initial' }];
  let transitions = 0;
  const finish = (complete: boolean, violation?: CheckResult['violation']): CheckResult => ({
    options,
    statesExplored: seen.size,
    transitions,
    complete,
    elapsedMs: performance.now() - started,
    ...(violation ? { violation } : {}),
  });

  while (frontier.length > 0) {
    const next: Node[] = [];
    for (const node of frontier) {
      const successors: { state: ModelState; label: string; cp?: MemoryControlPlane }[] = [];
      if (node.state.nextGeneration <= options.generations) {
        const s = clone(node.state);
        s.store.plans.push(s.nextGeneration);
        successors.push({ state: s, label: `planner: publishes plan ${s.nextGeneration}` });
        s.nextGeneration++;
      }
      for (const [i, cfg] of configs.entries()) {
        const s = clone(node.state);
        const cp = new MemoryControlPlane(s.store);
        const before = s.enactors[i]!;
        const r = await step(cfg, before, cp);
        s.enactors[i] = r.next;
        const events = r.events.map((e) => e.type.replace('enactor.', '')).join(', ');
        successors.push({ state: s, cp, label: `${cfg.id} [${before.phase}]: ${cp.calls.join('; ')}${events ? `  {${events}}` : ''}` });
      }
      for (const succ of successors) {
        transitions++;
        const child: Node = { state: succ.state, parent: node, label: succ.label };
        const violations = [...(succ.cp?.violations ?? [])];
        const regional = succ.state.store.records[endpoints[0]!];
        if (regional !== undefined && !succ.state.store.plans.includes(regional)) {
          violations.push(`the regional record names plan ${regional}, which no longer exists: the record is EMPTY`);
        }
        if (violations.length) return finish(false, { message: violations.join('; '), trace: traceOf(child) });
        const k = key(succ.state);
        if (seen.has(k)) continue;
        seen.add(k);
        if (seen.size >= options.maxStates) return finish(false);
        next.push(child);
      }
    }
    onProgress?.(seen.size);
    frontier = next;
  }
  return finish(true);
}

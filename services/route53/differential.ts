/**
 * Differential testing of Route 53's two implementations: random operation sequences (applies
 * with and without fencing, cleanups with and without the guard, lease grants, expiries as the
 * clock moves, the manual repair that disables automation, the Planner's publishes, reads) run
 * against MemoryControlPlane and RedisControlPlane; every result and the final state must be
 * identical. A mismatch is shrunk to a minimal sequence that still shows it.
 */
import type { Random } from '../../core/random.ts';
import { AutomationDisabledError, type Route53ControlPlane } from '../control-plane.ts';

export type Op =
  | { readonly op: 'publish' }
  | { readonly op: 'newest' }
  | { readonly op: 'list' }
  | { readonly op: 'active'; readonly endpoint: string }
  | { readonly op: 'lease'; readonly enactor: string; readonly generation: number | null }
  | { readonly op: 'apply'; readonly endpoint: string; readonly generation: number; readonly fence: boolean }
  | { readonly op: 'delete'; readonly generation: number; readonly guard: boolean }
  | { readonly op: 'restore' }
  | { readonly op: 'tick'; readonly ms: number };

export const DIFF_ENDPOINTS = ['regional', 'fips', 'cell-1'];
const ENACTORS = ['enactor1', 'enactor2', 'enactor3'];
export const DIFF_LEASE_TTL_MS = 1000;

/**
 * A random sequence. Deletions and leases name generations a little past what has been published
 * (unknown plans); applies name only plans the Planner wrote (possibly deleted since), as the
 * Enactors only apply plans they read from the store.
 */
export function randomSequence(random: Random, length: number): Op[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const ops: Op[] = [];
  let published = 0;
  const gen = () => 1 + Math.floor(random() * (published + 2));
  for (let i = 0; i < length; i++) {
    const r = random();
    if (r < 0.2) {
      ops.push({ op: 'publish' });
      published++;
    } else if (r < 0.45) {
      if (published === 0) continue;
      ops.push({ op: 'apply', endpoint: pick(DIFF_ENDPOINTS), generation: 1 + Math.floor(random() * published), fence: random() < 0.5 });
    }
    else if (r < 0.65) ops.push({ op: 'delete', generation: gen(), guard: random() < 0.5 });
    else if (r < 0.75) ops.push({ op: 'lease', enactor: pick(ENACTORS), generation: random() < 0.2 ? null : gen() });
    else if (r < 0.82) ops.push({ op: 'tick', ms: Math.floor(random() * 1.5 * DIFF_LEASE_TTL_MS) });
    else if (r < 0.87) ops.push({ op: 'active', endpoint: pick(DIFF_ENDPOINTS) });
    else if (r < 0.92) ops.push({ op: 'newest' });
    else if (r < 0.96) ops.push({ op: 'list' });
    else ops.push({ op: 'restore' });
  }
  return ops;
}

export interface Clock {
  now(): number;
  advance(ms: number): void;
}

export function virtualClock(start = 1_000_000): Clock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** Runs one sequence and returns a transcript: each op's result (or error kind), then the final state. */
export async function transcript(cp: Route53ControlPlane, clock: Clock, ops: readonly Op[]): Promise<string[]> {
  const out: string[] = [];
  for (const o of ops) {
    let r: unknown;
    try {
      switch (o.op) {
        case 'publish':
          r = await cp.publishPlan();
          break;
        case 'newest':
          r = (await cp.newestPlan()) ?? null;
          break;
        case 'list':
          r = await cp.listPlans();
          break;
        case 'active':
          r = await cp.activePlan(o.endpoint);
          break;
        case 'lease':
          r = await cp.lease(o.enactor, o.generation);
          break;
        case 'apply':
          r = await cp.apply(o.endpoint, o.generation, { fence: o.fence, enactor: 'enactor1' });
          break;
        case 'delete':
          r = await cp.deletePlan(o.generation, { guard: o.guard, enactor: 'enactor1' });
          break;
        case 'restore':
          r = await cp.restore();
          break;
        case 'tick':
          clock.advance(o.ms);
          break;
      }
      out.push(`${JSON.stringify(o)} → ${JSON.stringify(r ?? null)}`);
    } catch (err) {
      out.push(`${JSON.stringify(o)} → ${err instanceof AutomationDisabledError ? 'refused: automation disabled' : `error: ${(err as Error).message}`}`);
    }
  }
  out.push(`state ${JSON.stringify(await cp.snapshot())}`);
  return out;
}

export type Implementation = (clock: Clock) => Promise<Route53ControlPlane>;

/** The first line where the two transcripts differ, or undefined when they agree. */
export async function compare(a: Implementation, b: Implementation, ops: readonly Op[]): Promise<{ index: number; a: string; b: string } | undefined> {
  const ca = virtualClock();
  const cb = virtualClock();
  const [ta, tb] = [await transcript(await a(ca), ca, ops), await transcript(await b(cb), cb, ops)];
  for (let i = 0; i < Math.max(ta.length, tb.length); i++) if (ta[i] !== tb[i]) return { index: i, a: ta[i] ?? '(none)', b: tb[i] ?? '(none)' };
  return undefined;
}

/** Removes ops while the sequence still shows a difference (one at a time, then again until nothing can go). */
export async function shrink(a: Implementation, b: Implementation, ops: readonly Op[]): Promise<Op[]> {
  let current = [...ops];
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = current.length - 1; i >= 0; i--) {
      const candidate = [...current.slice(0, i), ...current.slice(i + 1)];
      if (await compare(a, b, candidate)) {
        current = candidate;
        changed = true;
      }
    }
  }
  return current;
}

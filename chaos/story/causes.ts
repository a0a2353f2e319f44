/**
 * Contributing causes (lesson 05): every scripted fault and operator action with its time, every
 * step a person took in a played game (human), beside what the system did by itself (emergent),
 * so no report presents a rescue — scripted or human — as a recovery.
 */
import { is, type HistoryEvent } from '../../core/events.ts';
import { firstLapse } from '../analysis/milestones.ts';
import type { RecoveryAnalysis } from '../analysis/recovery.ts';

export interface Cause {
  readonly atMs: number;
  /** scripted: injected by the scenario (a fault, a runbook action); human: a person in a played game; emergent: the system did it. */
  readonly origin: 'scripted' | 'emergent' | 'human';
  readonly what: string;
}

export function contributingCauses(sorted: readonly HistoryEvent[], r: RecoveryAnalysis): Cause[] {
  const out: Cause[] = [];
  const add = (atMs: number | undefined | null, origin: Cause['origin'], what: string) => {
    if (atMs !== undefined && atMs !== null) out.push({ atMs: Math.round(atMs), origin, what });
  };
  for (const e of sorted) {
    if (e.type === 'fault.injected') {
      const where = e.link ? ` on ${e.link}` : e.links ? ` on ${e.links.join(', ')}` : e.target ? ` on ${e.target}` : '';
      add(e.t, 'scripted', `fault ${e.name} injected: ${e.faultType}${where}${e.latencyMs ? ` (${e.latencyMs} ms)` : ''}`);
    } else if (e.type === 'fault.healed') add(e.t, 'scripted', `fault ${e.name} healed`);
    else if (e.type === 'fault.trigger.release' && e.reason === 'plan-deleted') {
      add(e.t, 'scripted', `fault ${e.name} (closed loop) let ${e.enactor}'s apply of plan ${e.plan} through after holding it ${e.heldMs} ms, once cleanup had deleted that plan`);
    } else if (e.type === 'fault.trigger.gave-up') add(e.t, 'scripted', `fault ${e.name}: the closed-loop trigger gave up: ${e.reason}`);
    else if (e.type === 'operator.action') {
      const human = e.actor === 'human';
      add(e.t, human ? 'human' : 'scripted', `runbook: ${e.action}${human ? ` by ${e.by}` : ''}${e.ok ? '' : ` FAILED (${e.error})`}`);
    } else if (e.type === 'game.emergency-stop') add(e.t, 'human', `emergency stop by ${e.by}: ${e.healed.length ? `healed ${e.healed.join(', ')}` : 'no fault was active'}`);
  }
  const first = (pred: (e: HistoryEvent) => boolean) => sorted.find(pred);
  const empty = sorted.filter(is('route53.record.empty')).find((e) => e.regional);
  if (empty) {
    const how = empty.cause === 'plan-deleted' ? `${empty.enactor}'s cleanup deleted plan ${empty.deletedPlan}, the one the record named` : `${empty.enactor} applied plan ${empty.generation}, already deleted by cleanup`;
    add(empty.t, 'emergent', `Route 53 committed an EMPTY regional record: ${how}`);
    const stuck = sorted.filter(is('enactor.apply.failed')).find((e) => e.t >= empty.t);
    add(stuck?.t, 'emergent', `Enactors can no longer apply plans (${stuck?.reason ?? 'inconsistent state'})`);
  }
  const lapsing = firstLapse(sorted);
  add(lapsing?.t, 'emergent', 'DWFM leases lapse: RunInstances answers "insufficient capacity"');
  if (r.metastable && r.reachableAtMs !== null) add(r.reachableAtMs, 'emergent', `DWFM in congestive collapse after DynamoDB came back (goodput < 10 % of C for ${r.collapseMs} ms)`);
  const building = sorted.filter((e) => e.type === 'netmgr.backlog.building').at(-1);
  add(building?.t, 'emergent', 'Network Manager backlog builds: new network state waits');
  const removed = first((e) => e.type === 'nlb.target.removed' && (r.reachableAtMs === null || e.t >= r.reachableAtMs));
  add(removed?.t, 'emergent', `NLB removes targets failing health checks (${r.nlb.targetsRemoved} removals in all)`);
  const allValid = r.recovery.milestones.find((m) => m.name === 'leases.all-valid');
  add(allValid?.atMs, 'emergent', `every lease re-established${r.recoveredBy === 'throttle' ? ' (only after the scripted throttle)' : ''}`);
  return out.sort((a, b) => a.atMs - b.atMs);
}

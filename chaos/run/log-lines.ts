/** The one-line log of notable history events that `run` prints while it goes. */
import type { HistoryEvent } from '../history/history.ts';

const NOTABLE = new Set([
  'fault.injected',
  'fault.healed',
  'fault.trigger.done',
  'fault.trigger.gave-up',
  'route53.record.empty',
  'route53.record.restored',
  'canary.alert',
  'canary.recovered',
  'operator.action',
  'game.started',
  'game.ended',
  'game.emergency-stop',
  'game.declared',
  'game.cause-named',
  'dwfm.reseeded',
  'steady-state.verified',
  'steady-state.not-yet',
  'steady-state.failed',
  'run.phase',
]);

/** Notable, and for a record change only the regional record's. */
export const isNotable = (e: HistoryEvent): boolean => NOTABLE.has(e.type) && !((e.type === 'route53.record.empty' || e.type === 'route53.record.restored') && !e.regional);

export function describeEvent(e: HistoryEvent): string {
  const t = `${(e.t / 1000).toFixed(2).padStart(6)} s`;
  switch (e.type) {
    case 'fault.injected':
      return `${t}  fault ${e.name} injected (${e.faultType}${e.link ? ` on ${e.link}` : e.target ? ` on ${e.target}` : ''})`;
    case 'fault.healed':
      return `${t}  fault ${e.name} healed`;
    case 'fault.trigger.done':
      return `${t}  fault ${e.name}: the trigger happened after ${(e.afterMs / 1000).toFixed(1)} s (${e.holds} hold${e.holds === 1 ? '' : 's'} of ${e.enactor}'s apply)`;
    case 'fault.trigger.gave-up':
      return `${t}  fault ${e.name}: NO TRIGGER — the closed-loop trigger gave up after ${(e.afterMs / 1000).toFixed(0)} s without an empty record: ${e.reason}`;
    case 'route53.record.empty':
      return `${t}  route53 committed an EMPTY record for ${e.endpoint} (${e.cause}${e.deletedPlan ? ` of plan ${e.deletedPlan}` : ''}${e.enactor ? ` by ${e.enactor}` : ''})`;
    case 'route53.record.restored':
      return `${t}  ${e.endpoint} has addresses again (${e.cause})`;
    case 'canary.alert':
      return `${t}  canary ALERT: ${e.name} answers ${e.outcome}`;
    case 'canary.recovered':
      return `${t}  canary: ${e.name} resolves again`;
    case 'operator.action':
      return `${t}  operator (${e.actor === 'human' ? e.by : 'scripted'}): ${e.action} ${e.ok ? 'done' : `FAILED: ${e.error}`}`;
    case 'game.started':
    case 'game.ended':
    case 'game.emergency-stop':
      return `${t}  ${e.by}: ${e.type.slice(5)}`;
    case 'game.declared':
      return `${t}  ${e.by}: declared ${e.severity}`;
    case 'game.cause-named':
      return `${t}  ${e.by}: cause-named ${e.cause}`;
    case 'dwfm.reseeded':
      return `${t}  the lab re-seeded DWFM's fleet before any fault: ${e.lapsed} of ${e.droplets} leases had lapsed during its start-up and DWFM had not won them back${e.dropped ? ` (${e.dropped} writes dropped from the table's queue)` : ''}`;
    case 'run.phase':
      return `${t}  phase: ${e.phase}`;
    case 'steady-state.verified':
    case 'steady-state.failed':
      return `${t}  ${e.type}: ${e.detail}`;
    case 'steady-state.not-yet':
      return `${t}  steady state not held in window ${e.window} (${e.detail}); watching the next one`;
    default:
      return `${t}  ${e.type}`;
  }
}

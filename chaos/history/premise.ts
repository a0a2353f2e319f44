/**
 * For tests whose premise is the outage: the empty regional record must have happened, made by the
 * closed-loop trigger (faults/held-apply.ts), before anything downstream is asserted — so a miss
 * reads as "the trigger did not happen", never as a wrong recovery figure.
 */
import { is, type HistoryEvent, type HistoryEventOf } from '../../core/events.ts';

export class PremiseError extends Error {}

/** Returns the regional record's empty event; throws PremiseError saying what happened instead. */
export function assertTriggered(history: readonly HistoryEvent[], where = 'the run'): HistoryEventOf<'route53.record.empty'> {
  const trigger = history.find((e) => e.type === 'fault.injected' && e.faultType === 'held-apply');
  if (!trigger) {
    // A run that stopped before its faults (a lab or a service that never settled) says why.
    const stopped = history.find(is('run.error')) ?? history.find(is('steady-state.failed'));
    const why = stopped ? `: the run stopped before any fault — ${stopped.type === 'run.error' ? stopped.error : stopped.detail}` : ': the empty record would be left to chance';
    throw new PremiseError(`premise: ${where} has no closed-loop trigger (a held-apply fault)${why}`);
  }
  const empty = history.filter(is('route53.record.empty')).find((e) => e.regional);
  if (empty) return empty;
  const gaveUp = history.find(is('fault.trigger.gave-up'));
  const holds = history.filter((e) => e.type === 'fault.trigger.hold').length;
  throw new PremiseError(
    `premise: the trigger did not happen in ${where}: ${gaveUp ? `it gave up after ${gaveUp.afterMs / 1000} s: ${gaveUp.reason}` : `no empty record before the run ended (${holds} hold${holds === 1 ? '' : 's'} of the apply)`}`,
  );
}

/**
 * Each user's service in the run (`--service`) recovered by itself: after the record came back,
 * its SLO held again within the bound its file states. Not listed in scenarios: every run with
 * services gets one result per service, named `service-slo-recovered (<service>)`.
 */
import type { ServiceFigures } from '../../user-services/analysis.ts';
import { fail, pass, skipped, type CheckResult } from './check.ts';

export const SERVICE_CHECK = 'service-slo-recovered';

export function serviceSloRecovered(s: ServiceFigures): CheckResult {
  const name = `${SERVICE_CHECK} (${s.name})`;
  const bound = `${(s.recoverWithinMs / 1000).toFixed(0)} s`;
  switch (s.verdict) {
    case 'recovered':
      return { name, ...pass(`SLO held again ${((s.ttrMs ?? 0) / 1000).toFixed(1)} s after DNS came back (bound ${bound})`) };
    case 'late':
      return { name, ...fail(`SLO held again only ${((s.ttrMs ?? 0) / 1000).toFixed(1)} s after DNS came back (bound ${bound})`) };
    case 'metastable':
      return { name, ...fail(`never met its SLO again after DNS came back (metastable until the run ended; bound ${bound})`) };
    case 'cut-short':
      return { name, ...fail(`had not met its SLO again when the run ended, before its bound (${bound}) after DNS came back had passed: not judged — give the run more time (stop.maxDurationMs)`) };
    case 'exited':
      return { name, ...fail('the service exited during the run') };
    case 'no-trigger':
      return { name, ...skipped('the record never emptied and came back in this run: nothing to recover from') };
  }
}

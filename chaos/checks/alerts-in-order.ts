/**
 * The monitoring caught the incident (lesson 03): every expected rule fired, in the incident's
 * order — the lesson-03 empty-answer alert first (within `withinMs` of the empty record), the
 * outage's alerts (DynamoDB's clients failing, leases lapsing) while the record was empty, the
 * recovery's (the collapse, the network backlog, the NLB) once DynamoDB was back — the rules
 * listed as `silentWhileEmpty` (the typical resolution alert) never fired while the record was
 * empty, and every alert that fired was resolved by the end. Within a phase the lab's stages
 * overlap (the herd's first second already builds a backlog while DWFM collapses), as the
 * milestones do, so they are not ordered against each other. Skipped without monitoring.
 */
import { z } from 'zod';
import { fail, pass, skipped, type Check } from './check.ts';

const Settings = z
  .object({
    expect: z.array(z.string().min(1)).default(['DynamoDBEndpointHasNoAddresses', 'DynamoDBAPIErrors', 'CustomerErrorRateOverSLO', 'DWFMLeasesLapsing', 'DWFMNoProgress', 'NetworkBacklogGrowing', 'NLBRemovingCapacity']),
    silentWhileEmpty: z.array(z.string().min(1)).default(['DynamoDBResolutionFailing']),
    /** The lesson-03 alert fires this soon after the empty record (two evaluation intervals). */
    emptyAlert: z.string().default('DynamoDBEndpointHasNoAddresses'),
    withinMs: z.number().int().min(0).default(2000),
  })
  .strict();

export const alertsInOrder: Check<typeof Settings> = {
  name: 'alerts-in-order',
  description: "every stage's alert fired in the incident's order: the empty-answer alert first and within two evaluations, the outage's while the record was empty, the recovery's once DynamoDB was back; the typical DNS alert silent while empty; all resolved",
  settings: Settings,
  evaluate({ figures }, s) {
    const a = figures.alerts;
    if (!a.monitored) return skipped('the run had no monitoring (--monitoring prometheus)');
    const byName = new Map(a.alerts.map((x) => [x.alertname, x]));
    const problems: string[] = [];
    for (const n of [...s.expect, ...s.silentWhileEmpty, s.emptyAlert]) if (!byName.has(n)) problems.push(`${n}: no such rule`);
    if (problems.length) return fail(problems.join('; '));
    for (const n of s.expect) if (byName.get(n)!.firedAtMs === null) problems.push(`${n} never fired`);
    for (const n of s.silentWhileEmpty) if (byName.get(n)!.firedWhileEmpty) problems.push(`${n} fired while the record was empty`);
    const empty = byName.get(s.emptyAlert)!;
    if (empty.fromTriggerMs !== null && empty.fromTriggerMs > s.withinMs) problems.push(`${s.emptyAlert} fired ${empty.fromTriggerMs} ms after the empty record (> ${s.withinMs} ms)`);
    const fired = s.expect.map((n) => byName.get(n)!).filter((x) => x.firedAtMs !== null);
    if (empty.firedAtMs !== null) for (const x of fired) if (x.firedAtMs! < empty.firedAtMs) problems.push(`${x.alertname} (${x.firedAtMs} ms) fired before ${s.emptyAlert} (${empty.firedAtMs} ms)`);
    for (const x of fired) {
      if (x.phase === 'outage' && (a.emptyAtMs === null || x.firedAtMs! < a.emptyAtMs || (a.restoredAtMs !== null && x.firedAtMs! >= a.restoredAtMs))) problems.push(`${x.alertname} first fired at ${x.firedAtMs} ms, not while the record was empty (${a.emptyAtMs ?? '—'}–${a.restoredAtMs ?? 'end'} ms)`);
      if (x.phase === 'recovery' && (a.reachableAtMs === null || x.firedAtMs! < a.reachableAtMs)) problems.push(`${x.alertname} first fired at ${x.firedAtMs} ms, before DynamoDB was reachable again (${a.reachableAtMs ?? 'never'} ms)`);
    }
    for (const x of a.alerts) if (x.firings > 0 && !x.resolved) problems.push(`${x.alertname} still firing at the end`);
    if (problems.length) return fail(problems.join('; '));
    return pass(fired.sort((x, y) => x.firedAtMs! - y.firedAtMs!).map((x) => `${x.alertname} +${((x.fromTriggerMs ?? 0) / 1000).toFixed(1)} s`).join(' → ') + `; ${s.silentWhileEmpty.join(', ')} silent while empty; all resolved`);
  },
};

/**
 * The monitoring caught the incident (lesson 03): every expected rule fired, in the incident's
 * order (by stage: the endpoint, leases, the collapse, the network backlog, the NLB), the
 * lesson-03 rule within `withinMs` of the empty record, the rules listed as `silentWhileEmpty`
 * (the typical resolution alert) never fired while the record was empty, and every alert that
 * fired was resolved by the end. Skipped when the run had no monitoring.
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
  description: "every stage's alert fired in the incident's order, the empty-answer alert within two evaluations, the typical DNS alert silent while the record was empty, all resolved",
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
    for (const x of fired) {
      for (const y of fired) {
        if (x.stage < y.stage && x.firedAtMs! > y.firedAtMs!) problems.push(`${x.alertname} (stage ${x.stage}, ${x.firedAtMs} ms) fired after ${y.alertname} (stage ${y.stage}, ${y.firedAtMs} ms)`);
      }
    }
    for (const x of a.alerts) if (x.firings > 0 && !x.resolved) problems.push(`${x.alertname} still firing at the end`);
    if (problems.length) return fail(problems.join('; '));
    return pass(fired.sort((x, y) => x.firedAtMs! - y.firedAtMs!).map((x) => `${x.alertname} +${((x.fromTriggerMs ?? 0) / 1000).toFixed(1)} s`).join(' → ') + `; ${s.silentWhileEmpty.join(', ')} silent while empty; all resolved`);
  },
};

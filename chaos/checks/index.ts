/**
 * The checks, registered by name. A scenario lists them under `checks:` as a name, or as
 * `{ name, …settings }` for a check with settings; the schema below derives from this registry.
 */
import { z } from 'zod';
import { alertsInOrder } from './alerts-in-order.ts';
import type { Check, CheckInput, CheckResult } from './check.ts';
import { collapseReproduced } from './collapse-reproduced.ts';
import { detectionWithin1s } from './detection-within-1s.ts';
import { dnsNeverEmpty } from './dns-never-empty.ts';
import { fencingRejectedStaleApply } from './fencing-rejected-stale-apply.ts';
import { leasesReestablished } from './leases-reestablished.ts';
import { milestonesInOrder } from './milestones-in-order.ts';
import { noLostWrites } from './no-lost-writes.ts';
import { notMetastable } from './not-metastable.ts';
import { steadyBeforeFaults } from './steady-before-faults.ts';

export type { CheckInput, CheckResult, CheckStatus } from './check.ts';

export const CHECKS: readonly Check[] = [
  steadyBeforeFaults,
  dnsNeverEmpty,
  detectionWithin1s,
  noLostWrites,
  fencingRejectedStaleApply,
  leasesReestablished,
  notMetastable,
  collapseReproduced,
  milestonesInOrder,
  alertsInOrder,
] as Check[];

export const CHECK_NAMES = CHECKS.map((c) => c.name) as [string, ...string[]];

export function checkByName(name: string): Check {
  const c = CHECKS.find((x) => x.name === name);
  if (!c) throw new Error(`no check named ${name}; checks are ${CHECK_NAMES.join(', ')}`);
  return c;
}

export interface CheckSpec {
  readonly name: string;
  readonly settings: Record<string, unknown>;
}

/** `- name` or `- { name: milestones-in-order, expect: [...] }`, normalised to { name, settings }. */
export const CheckSpecSchema = z
  .union([z.enum(CHECK_NAMES), z.object({ name: z.enum(CHECK_NAMES) }).catchall(z.unknown())])
  .transform((raw, ctx): CheckSpec => {
    const { name, ...rest } = typeof raw === 'string' ? { name: raw } : raw;
    const r = checkByName(name).settings.safeParse(rest);
    if (!r.success) {
      for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [...issue.path] } as never);
      return z.NEVER;
    }
    return { name, settings: r.data as Record<string, unknown> };
  });

export function evaluateChecks(specs: readonly CheckSpec[], input: CheckInput): CheckResult[] {
  return specs.map((s) => ({ name: s.name, ...checkByName(s.name).evaluate(input, s.settings) }));
}

/**
 * Every expected milestone is in the history, each detected on its own, and they came in the
 * incident's order (chaos/milestones.ts): a missing milestone fails, a pair out of order fails.
 */
import { z } from 'zod';
import { MILESTONE_NAMES, milestoneProblems } from '../analysis/milestones.ts';
import { fail, pass, type Check } from './check.ts';

/** The whole arc of us-east-1: what must happen when the lab reproduces the incident end to end. */
export const INCIDENT_MILESTONES = [
  'fault.injected',
  'dns.empty',
  'dns.detected',
  'leases.lapsing',
  'dns.restored',
  'dynamodb.reachable',
  'dynamodb.healthy',
  'leases.all-valid',
  'network.backlog.drained',
  'nlb.targets.restored',
  'launches.slo',
] as const;

const Settings = z
  .object({
    expect: z
      .array(z.string().refine((n) => MILESTONE_NAMES.includes(n), { message: `not a milestone; milestones are ${MILESTONE_NAMES.join(', ')}` }))
      .min(1)
      .default([...INCIDENT_MILESTONES]),
    /** Pairs of the incident's order this run need not keep (both must still happen). */
    unordered: z.array(z.tuple([z.string(), z.string()])).default([]),
  })
  .strict();

export const milestonesInOrder: Check<typeof Settings> = {
  name: 'milestones-in-order',
  description: "every expected milestone happened, each found on its own, in the incident's order",
  settings: Settings,
  evaluate({ figures }, s) {
    const found = figures.recovery.milestones;
    const problems = milestoneProblems(found, s.expect, s.unordered);
    if (problems.length) return fail(problems.join('; '));
    return pass(found.filter((m) => s.expect.includes(m.name)).map((m) => m.name).join(' → '));
  },
};

/** The steady-state hypothesis held before any fault was injected. */
import { z } from 'zod';
import { fail, pass, type Check } from './check.ts';

export const steadyBeforeFaults: Check = {
  name: 'steady-before-faults',
  description: 'the steady-state hypothesis (canary ok, customers within their error rate) held before any fault',
  settings: z.object({}).strict(),
  evaluate({ events }) {
    const ok = events.find((e) => e.type === 'steady-state.verified');
    if (ok) return pass(String(ok.detail ?? 'steady state held before faults'));
    return fail(String(events.find((e) => e.type === 'steady-state.failed')?.detail ?? 'steady state was not verified'));
  },
};

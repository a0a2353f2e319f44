/**
 * The runbook's actions (chaos/operator/) as acts of a game: a responder takes them while the
 * game runs, after a confirmation, and they are recorded as done by that person. Derived from the
 * operator registry, so a new runbook action is a new button without new console code.
 */
import { OPERATOR_ACTIONS, type OperatorAction } from '../../chaos/experiment/operator/index.ts';
import type { GameAct } from './act.ts';

const LABELS: Record<string, string> = {
  'restore-dns': 'Restore DNS records',
  'disable-dns-automation': 'Disable DNS automation',
  'throttle-dwfm': 'Throttle DWFM',
  restart: 'Restart a component',
  'nlb-health-checks': 'NLB health checks',
};

export function runbookAct(a: OperatorAction): GameAct {
  return {
    act: a.action,
    label: LABELS[a.action] ?? a.action,
    description: a.description,
    role: 'responder',
    settings: a.settings,
    confirm: `Run "${a.action}" against the lab: ${a.description}?`,
    phases: ['running'],
    run: (ctx, settings, by) => ctx.run.act(a.action, settings as Record<string, unknown>, by),
  };
}

export const RUNBOOK_ACTS: readonly GameAct[] = OPERATOR_ACTIONS.map(runbookAct);

/** The runbook's actions, registered by name; the scenario schema's `operator:` union derives from this list. */
import type { OperatorAction } from './action.ts';
import { disableDnsAutomationAction } from './disable-dns-automation.ts';
import { nlbHealthChecksAction } from './nlb-health-checks.ts';
import { restartAction } from './restart.ts';
import { restoreDnsAction } from './restore-dns.ts';
import { throttleDwfmAction } from './throttle-dwfm.ts';

export type { OperatorAction, OperatorContext } from './action.ts';

export const OPERATOR_ACTIONS: readonly OperatorAction[] = [restoreDnsAction, disableDnsAutomationAction, throttleDwfmAction, restartAction, nlbHealthChecksAction] as unknown as OperatorAction[];

export function operatorAction(name: string): OperatorAction {
  const a = OPERATOR_ACTIONS.find((x) => x.action === name);
  if (!a) throw new Error(`no operator action named ${name}; actions are ${OPERATOR_ACTIONS.map((x) => x.action).join(', ')}`);
  return a;
}

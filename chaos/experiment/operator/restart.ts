/** The runbook's blunt instrument: restart a component (its process or container), ready again before the action ends. */
import { z } from 'zod';
import { UserError } from '../../../core/errors.ts';
import { buildTopology } from '../../../topology/topology.ts';
import type { OperatorAction } from './action.ts';

/** Component names do not depend on the slot. */
const COMPONENTS = buildTopology().components.map((c) => c.name) as [string, ...string[]];

const Settings = z.object({ component: z.enum(COMPONENTS) }).strict();

export const restartAction: OperatorAction<typeof Settings> = {
  action: 'restart',
  description: 'restart a component (its process or container) and wait until it is ready',
  settings: Settings,
  async run(ctx, s) {
    if (!ctx.components) throw new UserError('restart needs the lab that runs the component (scenarios have it)');
    const started = performance.now();
    await ctx.components.restart(s.component);
    return { component: s.component, restartMs: Math.round(performance.now() - started) };
  },
};

/** The runbook's blunt instrument: restart a component (its process or container), ready again before the action ends. */
import { z } from 'zod';
import { UserError } from '../../lab/errors.ts';
import type { OperatorAction } from './action.ts';

const Settings = z.object({ component: z.string().min(1) }).strict();

export const restartAction: OperatorAction<typeof Settings> = {
  action: 'restart',
  description: 'restart a component (its process or container) and wait until it is ready',
  settings: Settings,
  async run(ctx, s) {
    if (!ctx.topology.components.some((c) => c.name === s.component)) {
      throw new UserError(`restart: no component named "${s.component}"; components are ${ctx.topology.components.map((c) => c.name).join(', ')}`);
    }
    if (!ctx.components) throw new UserError('restart needs the lab that runs the component (scenarios have it)');
    const started = performance.now();
    await ctx.components.restart(s.component);
    return { component: s.component, restartMs: Math.round(performance.now() - started) };
  },
};

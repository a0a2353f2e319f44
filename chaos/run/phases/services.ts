/**
 * Users' services (`run … --service FILE`): after the lab and its observers, their tables, the
 * services and their workloads (user-services/in-run.ts); a service that dies mid-run ends the run
 * as failed, naming it with the tail of its log.
 */
import { ServicesInRun } from '../../../user-services/in-run.ts';
import type { RunContext } from '../context.ts';

export async function startUserServices(ctx: RunContext): Promise<void> {
  const specs = ctx.opts.services ?? [];
  if (!specs.length) return;
  const s = ctx.steps.start('start-services');
  try {
    ctx.services = await ServicesInRun.start(ctx.lab!, ctx.history!, specs, {
      labKey: ctx.model.dynamodb.accessKeyId,
      seed: ctx.opts.seed,
      log: ctx.opts.log,
      onExit: (service, log) => {
        ctx.serviceFailure ??= `service ${service} exited during the run: ${log}`;
        ctx.stop?.(`service ${service} exited`);
      },
      ...(ctx.opts.signal ? { signal: ctx.opts.signal } : {}),
    });
    ctx.steps.end(s);
  } catch (err) {
    ctx.steps.end(s, 'failed', { error: (err as Error).message });
    throw err;
  }
}

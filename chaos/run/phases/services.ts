/**
 * Users' services (`run … --service FILE`): after the lab and its observers, their tables, the
 * services and their workloads (user-services/in-run.ts), and their own steady state (each meets
 * its SLO over a window) before the lab's; a service that dies mid-run ends the run as failed,
 * naming it with the tail of its log.
 */
import { dynamodbCapacityPerSec } from '../../../core/model-config-file.ts';
import { prepareGuests } from '../../../lab/lab.ts';
import { ServicesInRun } from '../../../user-services/in-run.ts';
import { preparedSpec } from '../../../user-services/start.ts';
import type { RunContext } from '../context.ts';

/** Before the lab and the run's clock: what the runtime needs to start the services (their images, in Docker). */
export async function prepareUserServices(ctx: RunContext): Promise<void> {
  const specs = ctx.opts.services ?? [];
  const runtime = ctx.opts.runtime ?? 'local';
  if (!specs.length || runtime === 'local') return;
  await prepareGuests(ctx.opts.lab, runtime, specs.map((s) => preparedSpec(s, runtime)), ctx.opts.log);
}

export async function startUserServices(ctx: RunContext): Promise<void> {
  const specs = ctx.opts.services ?? [];
  if (!specs.length) return;
  const s = ctx.steps.start('start-services');
  const started = performance.now();
  try {
    ctx.services = await ServicesInRun.start(ctx.lab!, ctx.history!, specs, {
      labKey: ctx.model.dynamodb.accessKeyId,
      defaultCapacityPerSec: dynamodbCapacityPerSec(ctx.model.dynamodb),
      seed: ctx.opts.seed,
      log: ctx.opts.log,
      onExit: (service, log) => {
        ctx.serviceFailure ??= `service ${service} exited during the run: ${log}`;
        ctx.stop?.(`service ${service} exited`);
      },
      ...(ctx.opts.signal ? { signal: ctx.opts.signal } : {}),
    });
    // Their steady state before the lab's: each meets its SLO for a window before any fault.
    await ctx.services.settle(ctx.opts.signal);
    // Their tables, start and warm-up are not the scenario's arc: they do not count against its
    // max duration (a JVM in a busy container took long enough to leave no time to recover).
    ctx.extendRunEnd?.(performance.now() - started);
    ctx.steps.end(s);
  } catch (err) {
    ctx.steps.end(s, 'failed', { error: (err as Error).message });
    throw err;
  }
}

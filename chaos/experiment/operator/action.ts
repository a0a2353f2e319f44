/**
 * What every runbook (operator) action shares: a settings schema, and the code that carries it
 * out against a running lab. One file per action, registered by name in index.ts; a scenario's
 * `operator:` list is validated against the registry. Every operator action is scripted: reports
 * mark it so, and a recovery that follows one is never counted as the system's own.
 */
import type { z } from 'zod';
import type { Topology } from '../../../topology/topology.ts';
import type { ComponentControl } from '../faults/fault.ts';

export interface OperatorContext {
  readonly topology: Topology;
  /** Who acts, for the services' own logs ("scenario runbook", "outage-lab runbook"). */
  readonly by: string;
  /** Kill, pause, resume and restart of components, whatever the runtime (absent outside a run). */
  readonly components?: ComponentControl;
}

export interface OperatorAction<S extends z.ZodObject = z.ZodObject> {
  readonly action: string;
  readonly description: string;
  /** The action's own fields (beside `action` and `when`). */
  readonly settings: S;
  run(ctx: OperatorContext, settings: z.output<S>): Promise<Record<string, unknown>>;
}

/**
 * The fault types, registered by name (one file each): network faults on Toxiproxy links, and
 * process faults on components (the same in every runtime).
 */
import { z } from 'zod';
import type { Topology } from '../../../topology/topology.ts';
import type { FaultType } from './fault.ts';
import { heldApply, HeldApplyFaultSchema } from './held-apply.ts';
import { kill, KillFaultSchema } from './kill.ts';
import { latency, LatencyFaultSchema } from './latency.ts';
import { linkDown, LinkDownFaultSchema } from './link-down.ts';
import { pause, PauseFaultSchema } from './pause.ts';
import { restart, RestartFaultSchema } from './restart.ts';

export const FaultSpecSchema = z.discriminatedUnion('type', [LatencyFaultSchema, HeldApplyFaultSchema, LinkDownFaultSchema, KillFaultSchema, PauseFaultSchema, RestartFaultSchema]);
export type FaultSpec = z.infer<typeof FaultSpecSchema>;

export const FAULT_TYPES: { [K in FaultSpec['type']]: FaultType<Extract<FaultSpec, { type: K }>> } = {
  latency,
  'held-apply': heldApply,
  'link-down': linkDown,
  kill,
  pause,
  restart,
};

export function faultType<S extends FaultSpec>(spec: S): FaultType<S> {
  return FAULT_TYPES[spec.type] as unknown as FaultType<S>;
}

/** Problems with the faults against the topology, each as "faults.<i>: …". */
export function validateFaults(faults: readonly FaultSpec[], topology: Topology): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, f] of faults.entries()) {
    if (names.has(f.name)) problems.push(`faults.${i}.name: "${f.name}" is used twice; give each fault its own name`);
    names.add(f.name);
    const p = faultType(f).validate(f, topology);
    if (p) problems.push(`faults.${i}: ${p}`);
  }
  return problems;
}

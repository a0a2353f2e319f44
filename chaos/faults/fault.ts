/**
 * What every fault type shares. A fault is a typed, serialisable description (validated with its
 * schema) plus the code that injects it and heals it; types are registered by name in index.ts,
 * one file each (Toxiproxy's toxics/ habit).
 */
import { z } from 'zod';
import type { ToxiproxyClient } from '../toxiproxy-client.ts';
import type { Topology } from '../../topology/topology.ts';

export const FaultBase = {
  /** Unique within the scenario; shown in the history and the report. */
  name: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and dashes'),
  /** When to inject, in ms since the run started. */
  atMs: z.number().int().min(0),
  /** How long it lasts; null keeps it until the run ends (it is always healed then). */
  durationMs: z.number().int().min(1).nullable().default(null),
};

export interface FaultContext {
  readonly toxiproxy: ToxiproxyClient;
  readonly topology: Topology;
}

export interface ActiveFault {
  /** Removes the fault; safe to call more than once. */
  heal(): Promise<void>;
}

export interface FaultType<S extends { type: string }> {
  readonly type: S['type'];
  /** Checks the description against the topology (links exist, …); returns a problem or undefined. */
  validate(spec: S, topology: Topology): string | undefined;
  inject(ctx: FaultContext, spec: S): Promise<ActiveFault>;
}

export function unknownLink(topology: Topology, link: string): string | undefined {
  if (topology.links.some((l) => l.name === link)) return undefined;
  return `no Toxiproxy link named "${link}"; links are ${topology.links.map((l) => l.name).join(', ')}`;
}

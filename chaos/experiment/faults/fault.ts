/**
 * What every fault type shares. A fault is a typed, serialisable description (validated with its
 * schema) plus the code that injects it and heals it; types are registered by name in index.ts,
 * one file each (Toxiproxy's toxics/ habit).
 */
import { z } from 'zod';
import type { ToxiproxyClient } from '../../../lab/toxiproxy-client.ts';
import type { ComponentControl } from '../../../lab/runtimes/runtime.ts';
import type { Topology } from '../../../topology/topology.ts';
import type { History } from '../../history/history.ts';
import { EventName, Match } from '../event-match.ts';

export type { ComponentControl } from '../../../lab/runtimes/runtime.ts';

export const FaultBase = {
  /** Unique within the scenario; shown in the history and the report. */
  name: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and dashes'),
  /** When to inject, in ms since the run started (with `after`: when to start watching for its event). */
  atMs: z.number().int().min(0),
  /**
   * Inject it `delayMs` after the first event of this type (with these fields) at or after `atMs`,
   * e.g. when the regional record is restored; not injected if none comes before the run ends.
   */
  after: z.object({ event: EventName, match: Match.default({}), delayMs: z.number().int().min(0).max(3_600_000).default(0) }).strict().optional(),
  /** How long it lasts; null keeps it until the run ends (it is always healed then). */
  durationMs: z.number().int().min(1).nullable().default(null),
};

export interface FaultContext {
  readonly toxiproxy: ToxiproxyClient;
  readonly topology: Topology;
  readonly components: ComponentControl;
  /** The run's history: a closed-loop fault watches it and records what it does (as the nemesis). */
  readonly history: History;
}

export interface ActiveFault {
  /** Removes the fault; safe to call more than once. */
  heal(): Promise<void>;
}

export interface FaultType<S extends { type: string }> {
  readonly type: S['type'];
  /** True for a closed-loop fault that makes the outage's trigger happen (a played game's facilitator can re-arm it). */
  readonly trigger?: boolean;
  /** Checks the description against the topology (links exist, …); returns a problem or undefined. */
  validate(spec: S, topology: Topology): string | undefined;
  /** The components the fault hits directly (for the blast radius: a slowed link's client, a killed process). */
  affects(spec: S, topology: Topology): string[];
  inject(ctx: FaultContext, spec: S): Promise<ActiveFault>;
}

export function unknownLink(topology: Topology, link: string): string | undefined {
  if (topology.links.some((l) => l.name === link)) return undefined;
  return `no Toxiproxy link named "${link}"; links are ${topology.links.map((l) => l.name).join(', ')}`;
}

/** The clients of the given links (who is slowed or cut off when they are). */
export function linkClients(topology: Topology, links: readonly string[]): string[] {
  return [...new Set(topology.links.filter((l) => links.includes(l.name)).map((l) => l.from))];
}

export function unknownComponent(topology: Topology, name: string): string | undefined {
  if (topology.components.some((c) => c.name === name)) return undefined;
  return `no component named "${name}"; components are ${topology.components.map((c) => c.name).join(', ')}`;
}

/**
 * A fault on one component's process or container: `act` when injected, `undo` (if any) once
 * when healed. Kill, pause and restart are this with different verbs.
 */
export function componentFault<S extends { type: string; target: string }>(
  type: S['type'],
  act: (c: ComponentControl, target: string) => Promise<void>,
  undo?: (c: ComponentControl, target: string) => Promise<void>,
): FaultType<S> {
  return {
    type,
    validate: (spec, topology) => unknownComponent(topology, spec.target),
    affects: (spec) => [spec.target],
    async inject(ctx, spec) {
      await act(ctx.components, spec.target);
      let healed = false;
      return {
        async heal() {
          if (healed || !undo) return;
          await undo(ctx.components, spec.target);
          healed = true;
        },
      };
    },
  };
}

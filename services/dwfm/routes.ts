/**
 * DWFM's API: RunInstances (placing on droplets with a valid lease, or the incident's lie), the
 * runbook's throttle (an admin API), the leases' state, and the lab's re-seed of the fleet
 * before any fault.
 */
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import type { DwfmSettings } from '../../core/model-config.ts';
import { nowMs } from '../common/events.ts';
import type { EventPublisher } from '../common/events.ts';
import { HttpError, parseBody, type Route } from '../common/http.ts';
import type { FleetStore } from './fleet-store.ts';
import type { LeaseTable } from './leases.ts';
import type { NetworkOutbox } from './network-outbox.ts';
import type { Placement } from './placement.ts';

const ThrottleBody = z
  .object({
    maxPerSec: z.number().positive().nullable().default(null),
    maxConcurrency: z.number().int().positive().nullable().default(null),
    /** Drop DWFM's queued and in-flight work, as restarting the DWFM hosts did. */
    resetConnections: z.boolean().default(false),
    by: z.string().default('operator'),
  })
  .strict();
const RunBody = z.object({ count: z.number().int().min(1).max(100).default(1) }).strict();

export interface DwfmParts {
  readonly cfg: DwfmSettings;
  readonly table: LeaseTable;
  readonly placement: Placement;
  readonly outbox: NetworkOutbox;
  readonly fleet: FleetStore;
  readonly events: EventPublisher;
  readonly registry: Registry;
  /** Drops the DynamoDB client's connections and in-flight work for a new client. */
  resetConnections(): void;
}

export function dwfmRoutes(p: DwfmParts): Route[] {
  const launches = new Counter({ name: 'dwfm_run_instances_total', help: 'RunInstances calls by result', labelNames: ['result'], registers: [p.registry] });
  return [
    {
      method: 'POST',
      path: /^\/v1\/run-instances$/,
      handler: (c) => {
        const body = parseBody(RunBody, c.body ?? {});
        const at = nowMs();
        const placed = p.placement.place(body.count, (i) => p.table.isValid(i, at));
        for (const x of placed) p.outbox.launched(x.droplet);
        if (placed.length < body.count) {
          launches.inc({ result: 'insufficient-capacity' });
          // The lie the incident told: capacity exists, but no droplet can prove its lease.
          throw new HttpError(503, 'InsufficientInstanceCapacity: no droplet with a valid lease can take this launch', { placed: placed.length });
        }
        launches.inc({ result: 'ok' });
        return { status: 200, body: { instances: placed } };
      },
    },
    {
      method: 'POST',
      path: /^\/v1\/admin\/throttle$/,
      handler: async (c) => {
        const body = parseBody(ThrottleBody, c.body ?? {});
        const throttle = { maxPerSec: body.maxPerSec, maxConcurrency: body.maxConcurrency };
        p.table.setThrottle(throttle);
        await p.fleet.saveThrottle(throttle);
        if (body.resetConnections) p.resetConnections();
        p.events.publish('dwfm.throttle', { ...body });
        return { status: 200, body: { ...body, lapsed: p.table.lapsedCount } };
      },
    },
    {
      // The lab's set-up API (not AWS's): every lease valid again as the fleet stood when DWFM first
      // started (LeaseTable.reseed), with a new DynamoDB client (renewals must not queue behind the
      // abandoned herd's calls in the old one's sockets) and the writes the table had queued from the
      // old one dropped (else the renewals wait behind that wasted work and lapse again). Only the
      // run's wait for the lab's steady state calls it, before any fault. The table's stored expiries
      // are not rewritten: the renewals rewrite every one within a renewal period (a restart sooner
      // than that re-establishes the leases it finds expired there, as any restart does).
      method: 'POST',
      path: /^\/_lab\/reseed$/,
      handler: async (c) => {
        // A request DWFM read too late (it was busy in the very herd this ends) must not re-seed a
        // fleet the run has since put through its faults: the caller says until when it counts.
        const notAfter = (c.body as { notAfter?: unknown } | undefined)?.notAfter;
        if (typeof notAfter !== 'number') throw new HttpError(400, 'notAfter: give the epoch ms after which this re-seed must not happen (the run\'s own deadline for it)');
        if (Date.now() > notAfter) throw new HttpError(409, `too late: asked to re-seed by ${new Date(notAfter).toISOString()}; nothing done`);
        p.resetConnections();
        const at = nowMs();
        const lapsed = p.table.reseed(at);
        // Everything the stand-in queued until now came over the connections just closed.
        const dropped = await p.fleet.dropQueuedBefore(at);
        p.events.publish('dwfm.reseeded', { lapsed, droplets: p.cfg.droplets, dropped });
        return { status: 200, body: { lapsed, droplets: p.cfg.droplets, dropped } };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/leases$/,
      handler: () => ({
        status: 200,
        body: { droplets: p.cfg.droplets, valid: p.table.validCount, lapsed: p.table.lapsedCount, counters: p.table.counters, throttle: p.table.throttle, strategy: p.cfg.strategy },
      }),
    },
  ];
}

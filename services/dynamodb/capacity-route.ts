/**
 * The stand-in's set-up API for one table's capacity (`POST /_lab/capacity`), outside DynamoDB's
 * protocol: a user's service file gives its tables their own workers, service time and queue limit
 * in the lab's model, and provisioned throughput or an on-demand maximum on top; every other table
 * keeps the lab's settings. Set before the table serves
 * (a table's model is made afresh with the new settings).
 */
import { z } from 'zod';
import type { DynamodbSettings } from '../../core/model-config.ts';
import type { Route } from '../common/http.ts';
import { DEFAULT_BURST_SECONDS, type ThroughputSettings } from './provisioned.ts';

const CapacityRequest = z
  .object({
    table: z.string().min(1),
    workers: z.number().int().min(1).max(1000).optional(),
    serviceTimeMs: z.number().min(0).max(10_000).optional(),
    queueLimit: z.number().int().min(1).nullable().default(null),
    /** Provisioned throughput on top of the queue: read and write buckets (provisioned.ts). */
    provisioned: z
      .object({
        readCapacityUnits: z.number().min(1).max(1_000_000),
        writeCapacityUnits: z.number().min(1).max(1_000_000),
        burstSeconds: z.number().min(0).max(3600).default(DEFAULT_BURST_SECONDS),
        initialBurstSeconds: z.number().min(0).max(3600).default(0),
      })
      .strict()
      .optional(),
    /** On-demand with a maximum throughput (OnDemandThroughput): ThrottlingException above it (provisioned.ts). */
    onDemand: z
      .object({
        maxReadRequestUnits: z.number().min(1).max(1_000_000).optional(),
        maxWriteRequestUnits: z.number().min(1).max(1_000_000).optional(),
      })
      .strict()
      .refine((o) => o.maxReadRequestUnits !== undefined || o.maxWriteRequestUnits !== undefined, { error: 'give maxReadRequestUnits, maxWriteRequestUnits or both' })
      .optional(),
  })
  .strict()
  .refine((o) => !(o.provisioned && o.onDemand), { error: 'a table is provisioned or on-demand, not both', path: ['onDemand'] });
export type CapacityRequest = z.input<typeof CapacityRequest>;

/** The route; `set` gives the table its settings (the lab's, with those given replaced; a provisioned or capped on-demand table also gets its limit). */
export function capacityRoute(base: DynamodbSettings, set: (table: string, settings: DynamodbSettings, limit: ThroughputSettings | undefined) => void): Route {
  return {
    method: 'POST',
    path: /^\/_lab\/capacity$/,
    handler: (c) => {
      const r = CapacityRequest.safeParse(c.body);
      if (!r.success) return { status: 400, body: { error: `${r.error.issues[0]!.path.join('.') || 'body'}: ${r.error.issues[0]!.message}` } };
      const { table, provisioned, onDemand, ...own } = r.data;
      set(table, { ...base, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) }, provisioned ? { provisioned } : onDemand ? { onDemand } : undefined);
      return { status: 200, body: r.data };
    },
  };
}

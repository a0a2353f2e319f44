/** Latency on one Toxiproxy link: every chunk of data waits latencyMs (± jitterMs). */
import { z } from 'zod';
import { ToxiproxyApiError } from '../../lab/toxiproxy-client.ts';
import { FaultBase, linkClients, unknownLink, type FaultType } from './fault.ts';

export const LatencyFaultSchema = z
  .object({
    type: z.literal('latency'),
    ...FaultBase,
    link: z.string().min(1),
    latencyMs: z.number().int().min(1).max(600_000),
    jitterMs: z.number().int().min(0).max(600_000).default(0),
    /** downstream delays responses (server → client), upstream delays requests. */
    stream: z.enum(['downstream', 'upstream']).default('downstream'),
  })
  .strict();

export type LatencyFault = z.infer<typeof LatencyFaultSchema>;

export const latency: FaultType<LatencyFault> = {
  type: 'latency',
  validate: (spec, topology) => unknownLink(topology, spec.link),
  affects: (spec, topology) => linkClients(topology, [spec.link]),
  async inject(ctx, spec) {
    const toxic = `fault-${spec.name}`;
    await ctx.toxiproxy.addToxic(spec.link, {
      name: toxic,
      type: 'latency',
      stream: spec.stream,
      attributes: { latency: spec.latencyMs, jitter: spec.jitterMs },
    });
    return {
      async heal() {
        try {
          await ctx.toxiproxy.removeToxic(spec.link, toxic);
        } catch (err) {
          if (!(err instanceof ToxiproxyApiError && err.status === 404)) throw err;
        }
      },
    };
  },
};

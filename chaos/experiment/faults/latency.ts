/**
 * Latency on one Toxiproxy link: every chunk of data waits latencyMs (± jitterMs). downstream
 * delays responses (server → client), upstream delays requests, both delays each way (two toxics).
 */
import { z } from 'zod';
import { ToxiproxyApiError } from '../../../lab/toxiproxy-client.ts';
import { FaultBase, linkClients, unknownLink, type FaultType } from './fault.ts';

export const LatencyFaultSchema = z
  .object({
    type: z.literal('latency'),
    ...FaultBase,
    link: z.string().min(1),
    latencyMs: z.number().int().min(1).max(600_000),
    jitterMs: z.number().int().min(0).max(600_000).default(0),
    /** downstream delays responses (server → client), upstream delays requests, both: each way. */
    stream: z.enum(['downstream', 'upstream', 'both']).default('downstream'),
  })
  .strict();

export type LatencyFault = z.infer<typeof LatencyFaultSchema>;

export const latency: FaultType<LatencyFault> = {
  type: 'latency',
  validate: (spec, topology) => unknownLink(topology, spec.link),
  affects: (spec, topology) => linkClients(topology, [spec.link]),
  async inject(ctx, spec) {
    const streams = spec.stream === 'both' ? (['upstream', 'downstream'] as const) : [spec.stream];
    const toxics = streams.map((stream) => ({ stream, name: `fault-${spec.name}-${stream}` }));
    for (const t of toxics) {
      await ctx.toxiproxy.addToxic(spec.link, { name: t.name, type: 'latency', stream: t.stream, attributes: { latency: spec.latencyMs, jitter: spec.jitterMs } });
    }
    return {
      async heal() {
        for (const t of toxics) {
          try {
            await ctx.toxiproxy.removeToxic(spec.link, t.name);
          } catch (err) {
            if (!(err instanceof ToxiproxyApiError && err.status === 404)) throw err;
          }
        }
      },
    };
  },
};

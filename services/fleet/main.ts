/**
 * The fleet: the instances behind the NLB, served as virtual instances by one process (target j
 * runs on a droplet DWFM spreads across the fleet); each answers health checks and customer requests only while it has no network
 * change waiting at the Network Manager (an instance without propagated network state has no
 * connectivity: its connections are reset), as the Network Manager keeps it (services/network-state.ts).
 */
import { Gauge } from 'prom-client';
import { HttpError } from '../common/http.ts';
import { runService } from '../common/service.ts';
import { pendingByTarget } from '../network-state.ts';

await runService((ctx) => {
  const redis = ctx.redis('pending');
  const count = ctx.config.nlb.targets;
  let pending: Int32Array = new Int32Array(count);
  const refresh = async () => {
    pending = await pendingByTarget(redis, count);
  };
  const timer = setInterval(() => void refresh().catch(() => {}), 100);
  ctx.onStop(() => clearInterval(timer));
  new Gauge({
    name: 'fleet_targets_connected',
    help: 'targets whose network state has propagated',
    registers: [ctx.registry],
    collect() {
      this.set(pending.filter((p) => p <= 0).length);
    },
  });

  const target = (raw: string) => {
    const j = Number(raw);
    if (!Number.isInteger(j) || j < 0 || j >= count) throw new HttpError(404, `no target ${raw}; targets are 0–${count - 1}`);
    return j;
  };
  return {
    routes: [
      {
        method: 'GET',
        path: /^\/t\/(\d+)\/(health|work)$/,
        handler: (c) => {
          const j = target(c.params[0]!);
          if (pending[j]! > 0) {
            c.req.socket.destroy(); // no connectivity until the network state propagates
            return { status: 503, body: { error: 'network state not propagated' } };
          }
          return { status: 200, body: { target: j, ok: true } };
        },
      },
    ],
    start: () => refresh(),
  };
});

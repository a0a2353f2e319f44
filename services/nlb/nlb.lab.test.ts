import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheus } from '../../chaos/observe/metrics-scraper.ts';
import { Lab } from '../../lab/lab.ts';
import { ModelConfigSchema } from '../../core/model-config.ts';
import { sleep } from '../../lab/proc.ts';
import { testSettings } from '../../lab/testing.ts';
import { component, httpUrl } from '../../topology/topology.ts';

const SLOT = 206;
let lab: Lab | undefined;

afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** Starts a lab whose 10 NLB targets all get a network change the Network Manager drains at 2/s. */
async function flap(velocity: { maxRemovedFraction: number; windowMs: number } | null) {
  // One failed check (every 100 ms) removes a target; the first change propagates after 500 ms.
  const config = ModelConfigSchema.parse({
    dwfm: { droplets: 1000 },
    netmgr: { ratePerSec: 2 },
    nlb: { targets: 10, healthIntervalMs: 100, unhealthyThreshold: 1, healthyThreshold: 2, velocity },
  });
  lab = await Lab.start(testSettings(SLOT), { log: () => {}, config });
  const nlb = httpUrl(component(lab.topology, 'nlb'));
  const netmgr = httpUrl(component(lab.topology, 'netmgr'));
  const items = Array.from({ length: 10 }, (_, j) => ({ kind: 'reprogram', droplet: j, target: j }));
  const res = await request(`${netmgr}/v1/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  expect(res.statusCode).toBe(202);
  await res.body.dump();
  await sleep(7000); // 10 changes at 2/s: every target is back after ~5 s, plus two passing checks
  const m = parsePrometheus(await (await request(`${nlb}/metrics`)).body.text());
  const traffic = await request(`${nlb}/`);
  return { m, status: traffic.statusCode, body: await traffic.body.json() };
}

describe('NLB over the fleet (real processes)', () => {
  it('removes targets whose network state has not propagated and re-adds them once it has', async () => {
    const { m, status, body } = await flap(null);
    expect(m.nlb_targets_removed_total).toBe(10);
    expect(m.nlb_targets_readded_total).toBe(10);
    expect(m.nlb_targets_in_service).toBe(10);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true });
  });

  it('with velocity control, removes at most the allowed share per window', async () => {
    const { m } = await flap({ maxRemovedFraction: 0.2, windowMs: 60_000 });
    expect(m.nlb_targets_removed_total).toBe(2);
    expect(m.nlb_removals_deferred_total).toBeGreaterThan(0);
    expect(m.nlb_targets_in_service).toBe(10);
  });
});

import { join } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { labResolver, lookupA } from '../../../dns/resolve.ts';
import { PROJECT_ROOT } from '../../../core/paths.ts';
import { sleep } from '../../../lab/proc.ts';
import { testSettings } from '../../../lab/testing.ts';
import { buildTopology, component, hostPort, httpUrl } from '../../../topology/topology.ts';

const SLOT = 204;
const BIN = join(PROJECT_ROOT, 'bin', 'outage-lab.js');
const topology = buildTopology({ slot: SLOT });
const { env } = testSettings(SLOT);
const cli = (args: string[]) => execa(process.execPath, [BIN, ...args], { env, reject: false, timeout: 30_000 });
const route53 = httpUrl(component(topology, 'route53'));

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(50);
  }
}

describe('outage-lab runbook restore-dns against a running lab', { timeout: 90_000 }, () => {
  afterAll(async () => {
    await cli(['down']);
  });

  it('repairs an empty regional record and disables DNS automation', async () => {
    expect((await cli(['up'])).exitCode).toBe(0);
    const resolver = labResolver(hostPort(component(topology, 'coredns')));
    expect((await lookupA(resolver, topology.dynamodbName)).outcome).toBe('ok');
    // The premise, made by construction rather than by a race: delete (unguarded, as the
    // incident's cleanup did) the plan the regional record names. The record is then empty and
    // no Enactor can repair it; should a fast Enactor apply a newer plan between the read and
    // the delete, try again.
    const regional = encodeURIComponent(topology.dynamodbName);
    let emptied = false;
    for (let attempt = 0; attempt < 50 && !emptied; attempt++) {
      const view = (await (await request(`${route53}/v1/records/${regional}`)).body.json()) as { generation: number | null };
      if (view.generation === null) continue;
      await (await request(`${route53}/v1/plans/${view.generation}/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ guard: false, enactor: 'test' }) })).body.dump();
      const after = (await (await request(`${route53}/v1/records/${regional}`)).body.json()) as { addresses: string[] };
      emptied = after.addresses.length === 0;
    }
    expect(emptied, 'premise: the regional record was emptied').toBe(true);
    const empty = await until(() => lookupA(resolver, topology.dynamodbName), (a) => a.outcome === 'empty', 5000);
    expect(empty.outcome).toBe('empty');

    const rb = await cli(['runbook', 'restore-dns']);
    expect(rb.exitCode, rb.stderr).toBe(0);
    expect(rb.stderr).toContain('DNS automation disabled');
    const ok = await until(() => lookupA(resolver, topology.dynamodbName), (a) => a.outcome === 'ok', 3000);
    expect(ok.addresses.sort()).toEqual([...topology.dynamodb.recordAddresses].sort());
    const auto = (await (await request(`${route53}/v1/automation`)).body.json()) as { enabled: boolean };
    expect(auto.enabled).toBe(false);
    // With automation off, no Enactor can empty it again.
    await sleep(1500);
    expect((await lookupA(resolver, topology.dynamodbName)).outcome).toBe('ok');
  });

  it('says so when no lab is up', async () => {
    await cli(['down']);
    const r = await cli(['runbook', 'restore-dns']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no lab is up');
  });
});

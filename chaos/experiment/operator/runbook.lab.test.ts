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
    // no Enactor that checks afterwards can repair it. An Enactor that passed its check before
    // the delete may still apply a newer plan after it (a CI run saw the record come back that
    // way), so wait for the resolver to answer empty while Route 53 still holds the empty
    // record, and delete again whenever a late apply refilled it.
    const regional = encodeURIComponent(topology.dynamodbName);
    const record = async () => (await (await request(`${route53}/v1/records/${regional}`)).body.json()) as { generation: number | null; addresses: string[] };
    let empty = false;
    for (let attempt = 0; attempt < 50 && !empty; attempt++) {
      const view = await record();
      if (view.generation === null) continue;
      if (view.addresses.length > 0) {
        await (await request(`${route53}/v1/plans/${view.generation}/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ guard: false, enactor: 'test' }) })).body.dump();
      }
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && (await record()).addresses.length === 0) {
        if ((await lookupA(resolver, topology.dynamodbName)).outcome === 'empty') {
          empty = (await record()).addresses.length === 0;
          break;
        }
        await sleep(50);
      }
    }
    expect(empty, 'premise: the regional record is empty in Route 53 and in DNS').toBe(true);

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

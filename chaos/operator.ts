/** The runbook's actions against a running lab, for scenarios and `outage-lab runbook`. */
import { request } from 'undici';
import { component, httpUrl, type Topology } from '../topology/topology.ts';
import { UserError } from '../lab/errors.ts';

export async function restoreDns(topology: Topology, by: string): Promise<{ restored: number; addresses: string[]; automationDisabled: boolean }> {
  const url = `${httpUrl(component(topology, 'route53'))}/v1/operator/restore-dns`;
  let res;
  try {
    res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by }), headersTimeout: 10_000 });
  } catch (err) {
    throw new UserError(`cannot reach Route 53 at ${url} (${(err as Error).message}): is the lab up? (outage-lab status)`);
  }
  const body = (await res.body.json()) as { restored: number; addresses: string[]; automationDisabled: boolean; error?: string };
  if (res.statusCode !== 200) throw new UserError(`Route 53 refused restore-dns: HTTP ${res.statusCode} ${body.error ?? ''}`);
  return body;
}

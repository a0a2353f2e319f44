/** The runbook's actions against a running lab, for scenarios and `outage-lab runbook`. */
import { request } from 'undici';
import { component, httpUrl, type Topology } from '../topology/topology.ts';
import { UserError } from '../lab/errors.ts';

async function post<T>(what: string, url: string, body: unknown): Promise<T> {
  let res;
  try {
    res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), headersTimeout: 10_000 });
  } catch (err) {
    throw new UserError(`cannot reach ${what} at ${url} (${(err as Error).message}): is the lab up? (outage-lab status)`);
  }
  const out = (await res.body.json()) as T & { error?: string };
  if (res.statusCode !== 200) throw new UserError(`${what} refused the request: HTTP ${res.statusCode} ${out.error ?? ''}`);
  return out;
}

/** Repair every DynamoDB record with the healthy frontends and disable DNS automation. */
export function restoreDns(topology: Topology, by: string): Promise<{ restored: number; addresses: string[]; automationDisabled: boolean }> {
  return post('Route 53', `${httpUrl(component(topology, 'route53'))}/v1/operator/restore-dns`, { by });
}

export interface DwfmThrottle {
  readonly maxPerSec: number | null;
  readonly maxConcurrency: number | null;
  readonly resetConnections: boolean;
}

/** Throttle DWFM's lease re-establishment (and, as restarting its hosts did, drop its backlog). */
export function throttleDwfm(topology: Topology, t: DwfmThrottle, by: string): Promise<DwfmThrottle & { lapsed: number }> {
  return post('DWFM', `${httpUrl(component(topology, 'dwfm'))}/v1/admin/throttle`, { ...t, by });
}

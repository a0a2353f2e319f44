/** Runbook actions talk to the services' admin APIs: one JSON POST, errors naming what refused. */
import { request } from 'undici';
import { UserError } from '../../../core/errors.ts';

export async function post<T>(what: string, url: string, body: unknown): Promise<T> {
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

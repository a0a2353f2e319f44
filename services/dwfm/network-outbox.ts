/**
 * Network changes DWFM asks of the Network Manager: a re-established droplet's state to reprogram
 * (and, for a droplet running an NLB target, which target), a launched instance's. Queued as they
 * happen, sent once per tick in batches of 10,000.
 */
import { request } from 'undici';
import type { Logger } from 'pino';

export type NetworkChange = { kind: 'reprogram' | 'launch'; droplet: number; target?: number };

/** The droplet NLB target j runs on: spread across the fleet, so target changes wait in the backlog like everyone else's. */
export function targetDroplet(j: number, targets: number, droplets: number): number {
  return Math.min(droplets - 1, Math.floor(((j + 0.5) * droplets) / targets));
}

export class NetworkOutbox {
  private queue: NetworkChange[] = [];
  private readonly targetOn = new Map<number, number>();

  constructor(
    private readonly netmgrUrl: string,
    targets: number,
    droplets: number,
    private readonly log: Logger,
  ) {
    for (let j = 0; j < targets; j++) this.targetOn.set(targetDroplet(j, targets, droplets), j);
  }

  reprogrammed(ids: Iterable<number>): void {
    for (const i of ids) {
      const target = this.targetOn.get(i);
      this.queue.push(target === undefined ? { kind: 'reprogram', droplet: i } : { kind: 'reprogram', droplet: i, target });
    }
  }

  launched(droplet: number): void {
    this.queue.push({ kind: 'launch', droplet });
  }

  flush(): void {
    if (!this.queue.length) return;
    const items = this.queue;
    this.queue = [];
    for (let k = 0; k < items.length; k += 10_000) {
      void request(`${this.netmgrUrl}/v1/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: items.slice(k, k + 10_000) }) })
        .then((r) => r.body.dump())
        .catch((err: Error) => this.log.warn({ err: err.message }, 'netmgr unreachable; network changes lost'));
    }
  }
}

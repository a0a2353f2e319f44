/**
 * The zone file CoreDNS serves, rendered from the record sets: at most one write per interval,
 * always after the last change, atomic, its serial bumped; each record's TXT names where its
 * addresses came from (a plan, or the operator).
 */
import type { Logger } from 'pino';
import type { labZoneFile } from '../../dns/lab-zone.ts';
import type { RecordSets } from './records.ts';

export class ZonePublisher {
  private dirty = true;
  private rendering = false;
  serial = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly zone: ReturnType<typeof labZoneFile>,
    private readonly records: RecordSets,
    intervalMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.render(), intervalMs);
  }

  changed(): void {
    this.dirty = true;
  }

  async render(): Promise<void> {
    if (!this.dirty || this.rendering) return;
    this.dirty = false;
    this.rendering = true;
    try {
      this.serial = await this.zone.publish(
        this.records.all().map((r) => ({
          name: `${r.endpoint}.`,
          addresses: r.addresses,
          txt: [r.manual ? 'source=operator' : `plan=${r.generation}${r.exists ? '' : ' (deleted)'}`],
        })),
      );
    } catch (err) {
      this.dirty = true;
      this.log.error({ err }, 'zone render failed');
    } finally {
      this.rendering = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Scrapes every service's Prometheus /metrics on a period and records the lab's own families
 * (and each process's CPU seconds) as one `metrics` event per round, every service in it, so rates
 * computed across services line up.
 */
import { request } from 'undici';
import { nowMs, type LabEvent } from '../../services/common/events.ts';
import { hostPort, type Topology } from '../../topology/topology.ts';

const KEEP = /^(dynamodb|route53|planner|enactor|dwfm|netmgr|nlb|fleet)_|^process_cpu_seconds_total$/;

/** Parses Prometheus text exposition into { 'name{labels}': value }, dropping the `service` label. */
export function parsePrometheus(text: string, keep: RegExp = KEEP): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || !keep.test(m[1]!)) continue;
    const labels = (m[2] ?? '').replace(/,?service="[^"]*"/, '').replace(/^\{,/, '{').replace(/^\{\}$/, '');
    out[`${m[1]}${labels}`] = Number(m[3]);
  }
  return out;
}

export class MetricsScraper {
  private readonly timer: NodeJS.Timeout;
  private readonly targets: { service: string; url: string }[];

  constructor(
    topology: Topology,
    intervalMs: number,
    private readonly emit: (e: LabEvent) => void,
    /** CPU seconds of the components that export no metrics of their own (Redis, CoreDNS, Toxiproxy). */
    private readonly infraCpu?: { infraCpuSeconds(): Promise<Record<string, number>> },
  ) {
    this.targets = topology.components.filter((c) => c.kind === 'service').map((c) => ({ service: c.name, url: `http://${hostPort(c)}/metrics` }));
    this.timer = setInterval(() => void this.scrape(), intervalMs);
  }

  private round = 0;

  async scrape(): Promise<void> {
    const started = nowMs();
    const services: Record<string, Record<string, number>> = {};
    const unavailable: Record<string, string> = {};
    const infra = this.infraCpu?.infraCpuSeconds().then((cpu) => {
      for (const [name, seconds] of Object.entries(cpu)) services[name] = { process_cpu_seconds_total: seconds };
    }).catch(() => {});
    await Promise.all([
      infra,
      ...this.targets.map(async ({ service, url }) => {
        try {
          const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
          services[service] = parsePrometheus(await res.body.text());
        } catch (err) {
          unavailable[service] = (err as Error).message;
        }
      }),
    ]);
    // Stamped at the round's start: every service was asked then.
    this.emit({ ts: started, source: 'scraper', type: 'metrics', round: this.round++, services, ...(Object.keys(unavailable).length ? { unavailable } : {}) });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.scrape();
  }
}

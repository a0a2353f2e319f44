/** Flag values the commands share, each parsed with an input error naming the flag and the fix. */
import { InputError } from '../core/errors.ts';

/** "90s", "10m", "1500ms", "1h" → ms. */
export function parseDuration(flag: string, raw: string, maxMs = 3_600_000): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(raw.trim());
  if (!m) throw new InputError(`${flag} ${raw}: expected a duration such as 90s, 10m or 1500ms`);
  const ms = Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']);
  if (ms <= 0 || ms > maxMs) throw new InputError(`${flag} ${raw}: expected more than 0 and at most ${maxMs / 60_000} min`);
  return ms;
}

/** --port: 0–65535 (0: any free port); undefined when absent. */
export function portOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new InputError(`--port ${raw}: expected a port from 0 to 65535 (0: any free port)`);
  return Number(raw);
}

/** --monitoring prometheus|off → whether the lab runs Prometheus, the blackbox exporter and Alertmanager. */
export function monitoringOption(raw: string): boolean {
  if (raw === 'prometheus') return true;
  if (raw === 'off') return false;
  throw new InputError(`--monitoring ${raw}: expected prometheus (Prometheus, the blackbox exporter and Alertmanager on loopback) or off`);
}

export const MONITORING_HELP = 'prometheus: also run Prometheus, the blackbox exporter and Alertmanager (alerts into the history), or off';

/** Per-second outcome of a load: counts by result and latency percentiles (HdrHistogram). */
import * as hdr from 'hdr-histogram-js';

export interface SecondStats {
  readonly second: number;
  readonly sent: number;
  readonly ok: number;
  readonly errors: Record<string, number>;
  readonly droppedByGenerator: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export class SecondAggregator {
  private current = SecondAggregator.fresh(0);
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000, numberOfSignificantValueDigits: 2 });
  private readonly timer: NodeJS.Timeout;

  private static fresh(second: number) {
    return { second, sent: 0, ok: 0, errors: {} as Record<string, number>, droppedByGenerator: 0 };
  }

  constructor(private readonly onSecond: (s: SecondStats) => void) {
    this.timer = setInterval(() => this.flush(), 1000);
  }

  ok(latencyMs: number): void {
    this.current.sent++;
    this.current.ok++;
    this.histogram.recordValue(Math.max(1, Math.round(latencyMs)));
  }

  error(kind: string): void {
    this.current.sent++;
    this.current.errors[kind] = (this.current.errors[kind] ?? 0) + 1;
  }

  dropped(): void {
    this.current.droppedByGenerator++;
  }

  private flush(): void {
    const has = this.histogram.totalCount > 0;
    this.onSecond({
      ...this.current,
      p50Ms: has ? this.histogram.getValueAtPercentile(50) : null,
      p99Ms: has ? this.histogram.getValueAtPercentile(99) : null,
      maxMs: has ? this.histogram.maxValue : null,
    });
    this.histogram.reset();
    this.current = SecondAggregator.fresh(this.current.second + 1);
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

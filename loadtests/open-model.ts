/**
 * Open-model load (constant arrival rate, like k6's constant-arrival-rate executor): arrival k is
 * due at start + k / rate whether or not earlier requests have finished, so a slow system sees
 * more concurrency, not less load. Beyond `maxInFlight` outstanding requests an arrival is
 * counted as dropped by the generator instead of sent.
 */
export interface OpenModelOptions {
  readonly ratePerSec: number;
  readonly maxInFlight: number;
  /** Performs arrival number `i`. Must not throw. */
  readonly job: (i: number) => Promise<void>;
  readonly onDropped?: () => void;
}

export class OpenModelGenerator {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private inFlight = new Set<Promise<void>>();
  private issued = 0;
  private readonly startedAt = performance.now();

  constructor(private readonly opts: OpenModelOptions) {
    if (opts.ratePerSec > 0) this.tick();
  }

  private tick(): void {
    if (this.stopped) return;
    const due = Math.floor(((performance.now() - this.startedAt) / 1000) * this.opts.ratePerSec);
    while (this.issued < due) {
      const i = this.issued++;
      if (this.inFlight.size >= this.opts.maxInFlight) {
        this.opts.onDropped?.();
        continue;
      }
      const p = this.opts.job(i).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
    const nextDue = this.startedAt + ((this.issued + 1) / this.opts.ratePerSec) * 1000;
    this.timer = setTimeout(() => this.tick(), Math.max(1, nextDue - performance.now()));
  }

  /** Stops new arrivals and waits (at most `drainMs`) for outstanding ones. */
  async stop(drainMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, drainMs))]);
  }
}

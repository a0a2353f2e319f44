/**
 * The NLB's view of its targets: in service or not, consecutive passes and fails, the removals
 * velocity control counts, fail-open. One round of health-check results at a time; what changed is
 * told to `publish` (targets removed and re-added, fail-open) with the round's time.
 */
import type { NlbSettings } from '../../core/model-config.ts';
import type { EventFields } from '../../core/events.ts';

type Publish = <T extends 'nlb.target.removed' | 'nlb.target.readded' | 'nlb.fail-open.on' | 'nlb.fail-open.off'>(type: T, fields: EventFields<T>, t: number) => void;

export class TargetHealth {
  readonly inService: Uint8Array;
  /** Targets that have not yet passed the healthy threshold once (failing then is not a removal). */
  private readonly initial: Uint8Array;
  private readonly fails: Uint16Array;
  private readonly passes: Uint16Array;
  private removals: number[] = []; // times of recent removals, for velocity control
  failOpen = false;
  automaticFailover = true;
  private next = 0;
  readonly counters = { removed: 0, readded: 0, deferred: 0 };

  constructor(
    readonly cfg: { -readonly [K in keyof NlbSettings]: NlbSettings[K] },
    private readonly publish: Publish,
  ) {
    const n = cfg.targets;
    this.inService = new Uint8Array(n);
    this.initial = new Uint8Array(n).fill(1);
    this.fails = new Uint16Array(n);
    this.passes = new Uint16Array(n);
  }

  get inServiceCount(): number {
    return this.inService.reduce((a, b) => a + b, 0);
  }

  /** One round of health checks: results[j] is target j's. */
  round(results: readonly boolean[], t: number): void {
    const { cfg } = this;
    const n = cfg.targets;
    if (cfg.velocity) this.removals = this.removals.filter((r) => r > t - cfg.velocity!.windowMs);
    for (let j = 0; j < n; j++) {
      if (results[j]) {
        this.fails[j] = 0;
        this.passes[j] = Math.min(this.passes[j]! + 1, 1000);
        if (!this.inService[j] && this.passes[j]! >= cfg.healthyThreshold) {
          this.inService[j] = 1;
          if (this.initial[j]) this.initial[j] = 0;
          else {
            this.counters.readded++;
            this.publish('nlb.target.readded', { target: j, inService: this.inServiceCount }, t);
          }
        }
      } else {
        this.passes[j] = 0;
        this.fails[j] = Math.min(this.fails[j]! + 1, 1000);
        if (this.inService[j] && this.automaticFailover && this.fails[j]! >= cfg.unhealthyThreshold) {
          if (cfg.velocity && this.removals.length >= Math.max(1, Math.floor(cfg.velocity.maxRemovedFraction * n))) {
            this.counters.deferred++;
            continue;
          }
          this.inService[j] = 0;
          this.removals.push(t);
          this.counters.removed++;
          this.publish('nlb.target.removed', { target: j, inService: this.inServiceCount }, t);
        }
      }
    }
    const any = this.inService.some((v) => v === 1);
    if (cfg.failOpen && !this.initial.every((v) => v === 1) && !any !== this.failOpen) {
      this.failOpen = !any;
      this.publish(this.failOpen ? 'nlb.fail-open.on' : 'nlb.fail-open.off', {}, t);
    }
  }

  /** The runbook's step: automatic failover off puts every removed target back in service. Returns how many came back. */
  setHealthChecks(automaticFailover: boolean, by: string, t: number): number {
    let readded = 0;
    if (this.automaticFailover && !automaticFailover) {
      for (let j = 0; j < this.cfg.targets; j++) {
        if (this.inService[j] || this.initial[j]) continue;
        this.inService[j] = 1;
        readded++;
        this.publish('nlb.target.readded', { target: j, inService: this.inServiceCount, by }, t);
      }
    }
    this.automaticFailover = automaticFailover;
    return readded;
  }

  /** The next target for a request (round robin over those in service, or every one when failing open). */
  pick(): number | undefined {
    const n = this.cfg.targets;
    for (let k = 0; k < n; k++) {
      const j = (this.next + k) % n;
      if (this.inService[j] || this.failOpen) {
        this.next = j + 1;
        return j;
      }
    }
    return undefined;
  }
}

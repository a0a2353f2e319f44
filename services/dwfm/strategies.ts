/**
 * Retry strategies for lease re-establishment, as in Marc Brooker's "Exponential Backoff and
 * Jitter" (AWS Architecture Blog, 2015), plus the incident's naive client. Pure functions of the
 * attempt number, the previous delay and a seeded random source, so they are unit-testable and
 * every run is reproducible from its seed.
 */
import type { Random } from '../../core/random.ts';

export const STRATEGIES = ['naive', 'exponential', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export interface BackoffSettings {
  readonly baseMs: number;
  readonly capMs: number;
  /** naive: delay after a fast failure (DNS empty, connection refused) so it does not spin. */
  readonly fastFailRetryMs: number;
}

export type FailureKind = 'timeout' | 'fast';

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed.
 * `previousMs` is the delay used before this attempt (decorrelated jitter builds on it).
 */
export function backoffMs(strategy: StrategyName, attempt: number, previousMs: number, kind: FailureKind, s: BackoffSettings, random: Random): number {
  const exp = Math.min(s.capMs, s.baseMs * 2 ** Math.min(attempt, 30));
  switch (strategy) {
    case 'naive':
      // Fixed timeout, immediate retry: the thundering herd.
      return kind === 'timeout' ? 0 : s.fastFailRetryMs;
    case 'exponential':
      return exp;
    case 'full-jitter':
      return random() * exp;
    case 'equal-jitter':
      return exp / 2 + random() * (exp / 2);
    case 'decorrelated-jitter':
      return Math.min(s.capMs, s.baseMs + random() * (Math.max(previousMs, s.baseMs) * 3 - s.baseMs));
  }
}

/** A token bucket (retry budget): retries spend a token; tokens refill at a rate up to a burst. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
  }

  tryTake(n = 1): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** ms until `n` tokens are available. */
  waitMs(n = 1): number {
    this.refill();
    return this.tokens >= n ? 0 : ((n - this.tokens) / this.ratePerSec) * 1000;
  }
}

/**
 * Additive-increase / multiplicative-decrease concurrency limit (as TCP, and Netflix's
 * concurrency-limits "AIMD"): +1 per `window` successes, halved on a timeout.
 */
export class AimdLimit {
  private successes = 0;
  limit: number;

  constructor(
    initial: number,
    private readonly min: number,
    private readonly max: number,
  ) {
    this.limit = initial;
  }

  onSuccess(): void {
    if (++this.successes >= this.limit) {
      this.successes = 0;
      this.limit = Math.min(this.max, this.limit + 1);
    }
  }

  onTimeout(): void {
    this.successes = 0;
    this.limit = Math.max(this.min, Math.floor(this.limit / 2));
  }
}

/**
 * DWFM's droplet leases. Every droplet's lease lives in the DynamoDB stand-in; DWFM renews each
 * one every renewPeriodMs (spread over the period) and a lease it has not renewed within
 * leaseTtlMs lapses. Lapsed droplets are re-established in batches under the run's retry
 * strategy, concurrency limit, retry budget and the runbook's manual throttle. Typed arrays keep
 * 100,000 droplets cheap to scan.
 */
import type { Random } from '../../core/random.ts';
import { NOT_ON_WIRE, type CallOutcome } from '../common/dynamodb-client.ts';
import { AimdLimit, backoffMs, TokenBucket, type BackoffSettings, type StrategyName } from './strategies.ts';

export interface LeaseSettings {
  readonly droplets: number;
  readonly leaseTtlMs: number;
  readonly renewPeriodMs: number;
  readonly batchSize: number;
  readonly requestTimeoutMs: number;
  readonly strategy: StrategyName;
  readonly backoff: BackoffSettings;
  /** Client-side cap on re-establish batches in flight: null (unbounded), a number, or adaptive (AIMD). */
  readonly concurrency: number | 'adaptive' | null;
  /** Retry budget: retries (attempts after the first) spend tokens refilled at this rate. */
  readonly retryBudget: { readonly ratePerSec: number; readonly burst: number } | null;
}

export interface Throttle {
  /** Leases per second DWFM may send for re-establishment (null: no cap). */
  readonly maxPerSec: number | null;
  /** Re-establish batches in flight (null: no cap). */
  readonly maxConcurrency: number | null;
}

/** Sends one batch of lease writes; resolves when answered or abandoned at the timeout. */
export type SendBatch = (ids: Int32Array, expiresAt: number, timeoutMs: number) => Promise<CallOutcome>;

/** When lease i of a fleet in its steady state at `at` expires (see LeaseTable.seed). */
export function seedExpiry(s: Pick<LeaseSettings, 'droplets' | 'leaseTtlMs' | 'renewPeriodMs'>, at: number, i: number): number {
  return at + ((i + 0.5) / s.droplets) * s.renewPeriodMs - s.renewPeriodMs + s.leaseTtlMs;
}

/** Requests of a call that went out on the wire: as the client counted them, or 1 unless it failed before leaving. */
const onWire = (o: CallOutcome) => o.attempts ?? (!o.ok && NOT_ON_WIRE.has(o.error) ? 0 : 1);

/** How often the droplets are scanned for lapses and due renewals. */
export const SCAN_MS = 100;
/** A renewal that failed is tried again this long after its answer. */
export const RENEW_RETRY_MS = 1000;

const LEASED = 0;
const LAPSED = 1;
const IN_JOB = 2;

interface Job {
  readonly ids: Int32Array;
  attempt: number;
  nextAt: number;
  previousDelay: number;
  inFlight: boolean;
  /** Which attempt's answer counts; answers to attempts abandoned by a restart are ignored. */
  token: number;
}

export interface LeaseCounters {
  /**
   * Re-establish batches that went out on the wire (every attempt, the SDK's own retries included;
   * not those that never left: no address, refused), counted when the call's outcome is known —
   * so a call begun during the outage whose SDK retry reached DynamoDB after it was back counts
   * then, with the herd.
   */
  attempts: number;
  /** Lease writes those batches carried (attempts × batch size). */
  itemsSent: number;
  reestablished: number;
  timeouts: number;
  fastFailures: number;
  renewalsSent: number;
  renewalsOk: number;
}

export interface Episode {
  readonly startedAt: number;
  /** Distinct leases that lapsed during the episode. */
  needed: number;
  attemptsAtStart: number;
  itemsAtStart: number;
}

export interface LeaseEvents {
  onEpisodeStart(e: { at: number; lapsed: number }): void;
  onAllValid(e: { at: number; needed: number; attempts: number; itemsSent: number; durationMs: number }): void;
  onReestablished?(ids: Int32Array, at: number): void;
}

export class LeaseTable {
  readonly expiresAt: Float64Array;
  readonly nextRenewAt: Float64Array;
  readonly state: Uint8Array;
  private readonly renewing: Uint8Array;
  private jobs: Job[] = [];
  private inFlight = 0;
  lapsedCount = 0;
  readonly counters: LeaseCounters = { attempts: 0, itemsSent: 0, reestablished: 0, timeouts: 0, fastFailures: 0, renewalsSent: 0, renewalsOk: 0 };
  episode: Episode | undefined;
  throttle: Throttle = { maxPerSec: null, maxConcurrency: null };
  private throttleBucket: TokenBucket | undefined;
  private readonly retryBucket: TokenBucket | undefined;
  readonly aimd: AimdLimit | undefined;

  constructor(
    readonly settings: LeaseSettings,
    private readonly send: SendBatch,
    private readonly now: () => number,
    private readonly random: Random,
    private readonly events: LeaseEvents,
  ) {
    const m = settings.droplets;
    this.expiresAt = new Float64Array(m);
    this.nextRenewAt = new Float64Array(m);
    this.state = new Uint8Array(m);
    this.renewing = new Uint8Array(m);
    if (settings.retryBudget) this.retryBucket = new TokenBucket(settings.retryBudget.ratePerSec, settings.retryBudget.burst, now);
    if (settings.concurrency === 'adaptive') this.aimd = new AimdLimit(8, 1, 10_000);
  }

  /**
   * The fleet in its steady state at `at`: lease i was last renewed one period before its next
   * renewal is due, renewals spread evenly over the period, so each lease expires TTL − period
   * after its renewal falls due (an outage starts lapsing leases that soon, as in a fleet that has
   * been running for a while). seedExpiry gives the same times to the store.
   */
  seed(at: number): void {
    const { droplets, renewPeriodMs } = this.settings;
    for (let i = 0; i < droplets; i++) {
      this.state[i] = LEASED;
      this.nextRenewAt[i] = at + ((i + 0.5) / droplets) * renewPeriodMs;
      this.expiresAt[i] = seedExpiry(this.settings, at, i);
    }
  }

  /**
   * After a restart: each lease as the table holds it. One still valid is renewed when it would
   * have been (a renewal period after it was written), or within the next scan if that is past;
   * one already expired lapses at the first scan and is re-established.
   */
  restore(expiresAt: Float64Array, at: number): void {
    const { droplets, leaseTtlMs, renewPeriodMs } = this.settings;
    for (let i = 0; i < droplets; i++) {
      this.state[i] = LEASED;
      this.expiresAt[i] = expiresAt[i]!;
      const due = expiresAt[i]! - leaseTtlMs + renewPeriodMs;
      this.nextRenewAt[i] = due > at ? due : at + this.random() * SCAN_MS;
    }
  }

  get validCount(): number {
    return this.settings.droplets - this.lapsedCount;
  }

  get pendingJobs(): number {
    return this.jobs.length;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  isValid(i: number, at = this.now()): boolean {
    return this.state[i] === LEASED && this.expiresAt[i]! > at;
  }

  setThrottle(t: Throttle): void {
    this.throttle = t;
    this.throttleBucket = t.maxPerSec ? new TokenBucket(t.maxPerSec, Math.max(this.settings.batchSize, t.maxPerSec / 10), this.now) : undefined;
  }

  private lastScan = -Infinity;

  /**
   * One scheduling pass: start admissible re-establish attempts; every SCAN_MS also lapse expired
   * leases and send due renewals (a scan of every droplet: with 100,000 of them, scanning on
   * every 10 ms tick would cost the CPU the lab needs elsewhere).
   */
  tick(): void {
    const now = this.now();
    if (now - this.lastScan >= SCAN_MS) {
      this.lastScan = now;
      this.lapseAndRenew(now);
    }
    this.admit(now);
  }

  private lapseAndRenew(now: number): void {
    const { droplets, batchSize } = this.settings;
    let renewBatch: number[] = [];
    let newlyLapsed: number[] | undefined;
    for (let i = 0; i < droplets; i++) {
      if (this.state[i] !== LEASED) continue;
      if (this.expiresAt[i]! <= now) {
        this.state[i] = LAPSED;
        this.lapsedCount++;
        (newlyLapsed ??= []).push(i);
        continue;
      }
      if (this.nextRenewAt[i]! <= now && !this.renewing[i]) {
        this.renewing[i] = 1;
        renewBatch.push(i);
        if (renewBatch.length === batchSize) {
          this.renew(renewBatch, now);
          renewBatch = [];
        }
      }
    }
    if (renewBatch.length) this.renew(renewBatch, now);
    if (newlyLapsed) {
      if (!this.episode) {
        this.episode = { startedAt: now, needed: 0, attemptsAtStart: this.counters.attempts, itemsAtStart: this.counters.itemsSent };
        this.events.onEpisodeStart({ at: now, lapsed: newlyLapsed.length });
      }
      this.episode.needed += newlyLapsed.length;
      for (let k = 0; k < newlyLapsed.length; k += batchSize) {
        const ids = Int32Array.from(newlyLapsed.slice(k, k + batchSize));
        for (const i of ids) this.state[i] = IN_JOB;
        this.jobs.push({ ids, attempt: 0, nextAt: now, previousDelay: 0, inFlight: false, token: 0 });
      }
    }
  }

  private renew(ids: number[], now: number): void {
    const batch = Int32Array.from(ids);
    const expiresAt = now + this.settings.leaseTtlMs;
    void this.send(batch, expiresAt, this.settings.requestTimeoutMs).then((outcome) => {
      const at = this.now();
      // Counted once the client says how many of its requests went out.
      this.counters.renewalsSent += batch.length * onWire(outcome);
      for (const i of batch) {
        this.renewing[i] = 0;
        if (this.state[i] !== LEASED) continue; // lapsed meanwhile: re-establishment owns it now
        if (outcome.ok) {
          this.expiresAt[i] = expiresAt;
          this.nextRenewAt[i] = now + this.settings.renewPeriodMs;
        } else {
          this.nextRenewAt[i] = at + RENEW_RETRY_MS;
        }
      }
      if (outcome.ok) this.counters.renewalsOk += batch.length;
    });
  }

  private concurrencyCap(): number {
    const caps = [Infinity];
    if (typeof this.settings.concurrency === 'number') caps.push(this.settings.concurrency);
    if (this.aimd) caps.push(this.aimd.limit);
    if (this.throttle.maxConcurrency !== null) caps.push(this.throttle.maxConcurrency);
    return Math.min(...caps);
  }

  private admit(now: number): void {
    if (this.jobs.length === 0) return;
    const cap = this.concurrencyCap();
    for (const job of this.jobs) {
      if (this.inFlight >= cap) break;
      if (job.inFlight || job.nextAt > now) continue;
      const n = job.ids.length;
      if (this.throttleBucket && !this.throttleBucket.tryTake(n)) break;
      if (job.attempt > 0 && this.retryBucket && !this.retryBucket.tryTake()) {
        job.nextAt = now + this.retryBucket.waitMs();
        continue;
      }
      this.start(job, now);
    }
  }

  private start(job: Job, now: number): void {
    job.inFlight = true;
    job.attempt++;
    this.inFlight++;
    const expiresAt = now + this.settings.leaseTtlMs;
    const token = ++job.token;
    void this.send(job.ids, expiresAt, this.settings.requestTimeoutMs).then((outcome) => {
      // Load on DynamoDB whether or not this answer still counts (a restart abandons it).
      const sent = onWire(outcome);
      this.counters.attempts += sent;
      this.counters.itemsSent += job.ids.length * sent;
      if (job.token === token && job.inFlight) this.finish(job, outcome, now, expiresAt);
    });
  }

  private finish(job: Job, outcome: CallOutcome, sentAt: number, expiresAt: number): void {
    const at = this.now();
    job.inFlight = false;
    this.inFlight--;
    if (outcome.ok) {
      this.aimd?.onSuccess();
      const period = this.settings.renewPeriodMs;
      for (const i of job.ids) {
        this.state[i] = LEASED;
        this.expiresAt[i] = expiresAt;
        // Spread the next renewals, or the herd comes back as a renewal herd one period later.
        this.nextRenewAt[i] = sentAt + period * (0.5 + 0.5 * this.random());
      }
      this.lapsedCount -= job.ids.length;
      this.counters.reestablished += job.ids.length;
      this.jobs.splice(this.jobs.indexOf(job), 1);
      this.events.onReestablished?.(job.ids, at);
      if (this.lapsedCount === 0 && this.episode) {
        const e = this.episode;
        this.episode = undefined;
        this.events.onAllValid({
          at,
          needed: e.needed,
          attempts: this.counters.attempts - e.attemptsAtStart,
          itemsSent: this.counters.itemsSent - e.itemsAtStart,
          durationMs: at - e.startedAt,
        });
      }
      // Under a limit, the freed slot goes to the next batch now, not at the next 10 ms tick: a
      // limit of W batches in flight then keeps W of the table's workers busy (the gap a tick
      // leaves is idle server time at the limit's bottom end).
      if (Number.isFinite(this.concurrencyCap())) this.admit(at);
      return;
    }
    const kind = outcome.error === 'timeout' ? 'timeout' : 'fast';
    if (kind === 'timeout') {
      this.counters.timeouts++;
      this.aimd?.onTimeout();
    } else this.counters.fastFailures++;
    const delay = backoffMs(this.settings.strategy, job.attempt, job.previousDelay, kind, this.settings.backoff, this.random);
    job.previousDelay = delay;
    job.nextAt = at + delay;
  }

  /**
   * The lab's set-up, not DWFM's doing: every lease valid again as in a steady state at `at` (see
   * seed), everything queued or in flight forgotten (late answers are ignored). The run calls it
   * before any fault when the lab's own cold start lapsed leases that naive DWFM cannot win back
   * (chaos/run/lab-settled.ts). Returns how many leases were lapsed.
   */
  reseed(at: number): number {
    const lapsed = this.lapsedCount;
    this.abandonInFlight();
    this.jobs = [];
    this.renewing.fill(0);
    this.lapsedCount = 0;
    this.episode = undefined;
    this.seed(at);
    return lapsed;
  }

  /** The runbook's "restart DWFM": forget every attempt in flight (their answers are ignored) and start over. */
  abandonInFlight(): void {
    for (const job of this.jobs) {
      if (!job.inFlight) continue;
      job.inFlight = false;
      job.token++;
      job.nextAt = this.now();
    }
    this.inFlight = 0;
  }
}

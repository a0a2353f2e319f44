/**
 * The DynamoDB stand-in's capacity: N workers, each busy `serviceTimeMs` per request, and a queue
 * in front. Time is kept per worker as "free at" instants, so throughput is exactly
 * N / serviceTime however coarse Node's timers are. A request whose client deadline has passed is
 * still served (wasted work, the fuel of congestive collapse) unless `dropExpired` is on.
 */
import type { DynamodbSettings } from '../../core/model-config.ts';

export interface WorkItem<T> {
  readonly enqueuedAt: number;
  /** Capacity units (items) this work costs: its service time is cost × serviceTimeMs. */
  readonly cost: number;
  /** Epoch ms after which the client no longer waits (undefined: it still waits); read when the work starts and ends. */
  readonly deadline: Deadline;
  /** Does the work; called when a worker takes the item. */
  readonly run: () => Promise<T>;
  readonly resolve: (outcome: WorkOutcome<T>) => void;
}

/**
 * When the client stopped waiting: a fixed instant, or — for a client that hangs up at its
 * timeout, as the AWS SDK does — a function that says so once the connection has closed.
 */
export type Deadline = number | undefined | (() => number | undefined);
const deadlineOf = (d: Deadline) => (typeof d === 'function' ? d() : d);

export type WorkOutcome<T> =
  | { readonly kind: 'served'; readonly value: T; readonly afterDeadline: boolean; readonly queuedMs: number }
  | { readonly kind: 'rejected'; readonly queueLength: number }
  | { readonly kind: 'dropped'; readonly queuedMs: number }
  | { readonly kind: 'failed'; readonly error: Error };

export interface CapacityStats {
  served: number;
  servedAfterDeadline: number;
  rejected: number;
  dropped: number;
  failed: number;
  queueWaitMsTotal: number;
}

/** Queue length above which adaptive LIFO serves newest first (the CoDel-style switch). */
export const ADAPTIVE_LIFO_THRESHOLD = 64;

export class CapacityModel<T> {
  private readonly queue: WorkItem<T>[] = [];
  private head = 0;
  private readonly freeAt: number[];
  private busy = 0;
  /** Capacity units (items) waiting in the queue. */
  private queuedCost = 0;
  private timer: NodeJS.Timeout | undefined;
  readonly stats: CapacityStats = { served: 0, servedAfterDeadline: 0, rejected: 0, dropped: 0, failed: 0, queueWaitMsTotal: 0 };

  constructor(
    private settings: DynamodbSettings,
    private readonly now: () => number,
  ) {
    this.freeAt = new Array(settings.workers).fill(0);
  }

  get queueLength(): number {
    return this.queue.length - this.head;
  }

  get inFlight(): number {
    return this.busy;
  }

  /** Capacity units the queue can still take (queueLimit counts items: a batch of 25 takes 25). */
  get room(): number {
    const limit = this.settings.queueLimit;
    return limit === null ? Infinity : Math.max(0, limit - this.queuedCost);
  }

  submit(run: () => Promise<T>, deadline: Deadline, cost = 1): Promise<WorkOutcome<T>> {
    return new Promise((resolve) => {
      if (cost > this.room) {
        this.stats.rejected++;
        resolve({ kind: 'rejected', queueLength: this.queueLength });
        return;
      }
      this.queuedCost += cost;
      this.queue.push({ enqueuedAt: this.now(), cost, deadline, run, resolve });
      this.dispatch();
    });
  }

  private take(): WorkItem<T> | undefined {
    if (this.queueLength === 0) return undefined;
    const lifo = this.settings.queue === 'lifo' || (this.settings.queue === 'adaptive-lifo' && this.queueLength > ADAPTIVE_LIFO_THRESHOLD);
    const item = lifo ? this.queue.pop() : this.queue[this.head++];
    if (item) this.queuedCost -= item.cost;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  /** Starts work on every worker that is free now; schedules the next wake-up otherwise. */
  private dispatch(): void {
    const now = this.now();
    const service = this.settings.serviceTimeMs;
    for (let w = 0; w < this.freeAt.length && this.queueLength > 0; w++) {
      // A worker idle since before now starts now; one that just finished starts at its finish instant.
      if (this.freeAt[w]! > now) continue;
      while (this.queueLength > 0) {
        const item = this.take()!;
        // The instant this worker takes the item on its exact timeline (never more than one
        // service time in the past, however late the timer fired).
        const start = Math.max(this.freeAt[w]!, item.enqueuedAt, now - service * item.cost);
        const queuedMs = start - item.enqueuedAt;
        const deadline = deadlineOf(item.deadline);
        if (this.settings.dropExpired && deadline !== undefined && deadline < start) {
          this.stats.dropped++;
          item.resolve({ kind: 'dropped', queuedMs });
          continue;
        }
        const finish = start + service * item.cost;
        this.freeAt[w] = finish;
        this.busy++;
        this.stats.queueWaitMsTotal += queuedMs;
        this.execute(item, finish, queuedMs);
        break;
      }
    }
    this.schedule();
  }

  private async execute(item: WorkItem<T>, finish: number, queuedMs: number): Promise<void> {
    let outcome: WorkOutcome<T>;
    try {
      const value = await item.run();
      const wait = finish - this.now();
      if (wait > 0.5) await new Promise((r) => setTimeout(r, wait));
      const deadline = deadlineOf(item.deadline);
      const afterDeadline = deadline !== undefined && finish > deadline;
      this.stats.served++;
      if (afterDeadline) this.stats.servedAfterDeadline++;
      outcome = { kind: 'served', value, afterDeadline, queuedMs };
    } catch (err) {
      this.stats.failed++;
      outcome = { kind: 'failed', error: err as Error };
    }
    this.busy--;
    item.resolve(outcome);
    this.dispatch();
  }

  private schedule(): void {
    if (this.queueLength === 0 || this.timer) return;
    const next = Math.min(...this.freeAt);
    const delay = Math.max(0, next - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dispatch();
    }, delay);
  }

  /**
   * The lab's set-up, never a fault's or the model's own doing: drops every request queued at or
   * before `t` (each answered as dropped); returns how many. Used when the run ends a collapse the
   * lab's cold start began (DWFM's re-seed): DWFM has hung up on all of those, and its new
   * connections' requests, queued after `t`, keep their place.
   */
  dropQueuedBefore(t: number): number {
    const kept: WorkItem<T>[] = [];
    let dropped = 0;
    const now = this.now();
    for (let k = this.head; k < this.queue.length; k++) {
      const item = this.queue[k]!;
      if (item.enqueuedAt <= t) {
        dropped++;
        this.queuedCost -= item.cost;
        this.stats.dropped++;
        item.resolve({ kind: 'dropped', queuedMs: now - item.enqueuedAt });
      } else kept.push(item);
    }
    this.queue.length = 0;
    this.head = 0;
    this.queue.push(...kept);
    return dropped;
  }

  /** Applies new settings at run time (worker count, service time, queue policy). */
  reconfigure(settings: DynamodbSettings): void {
    this.settings = settings;
    while (this.freeAt.length < settings.workers) this.freeAt.push(0);
    this.freeAt.length = settings.workers;
    this.dispatch();
  }
}

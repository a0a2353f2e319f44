/** The Network Manager's backlog: a FIFO ring of (enqueue time, NLB target or -1) in two parallel typed arrays that grow as needed. */
export class ChangeRing {
  private times = new Float64Array(1024);
  private targets = new Int32Array(1024);
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  /** When the oldest waiting change was queued (undefined: none waits). */
  get oldest(): number | undefined {
    return this.size ? this.times[this.head] : undefined;
  }

  push(t: number, target: number): void {
    if (this.tail === this.times.length) {
      const n = this.size;
      const grow = n * 2 > this.times.length ? this.times.length * 2 : this.times.length;
      const nt = new Float64Array(grow);
      const ng = new Int32Array(grow);
      nt.set(this.times.subarray(this.head, this.tail));
      ng.set(this.targets.subarray(this.head, this.tail));
      this.times = nt;
      this.targets = ng;
      this.head = 0;
      this.tail = n;
    }
    this.times[this.tail] = t;
    this.targets[this.tail++] = target;
  }

  /** Takes the oldest change's target (call only when size > 0). */
  shift(): number {
    const target = this.targets[this.head]!;
    this.head++;
    if (this.head > 65_536 && this.head * 2 > this.tail) {
      this.times.copyWithin(0, this.head, this.tail);
      this.targets.copyWithin(0, this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return target;
  }
}

/** Epoch milliseconds with sub-millisecond precision: every event's `ts`. (No imports: services load it at start.) */
export const nowMs = (): number => performance.timeOrigin + performance.now();

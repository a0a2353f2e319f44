/**
 * The two rule sets DWFM's client can follow are the SDK's own code, not the lab's reading of it:
 * the client's strategy, asked to retry a timeout and a throttled call, spends the tokens and
 * gives up after the attempts each @smithy/core release ships (2026: 14 / 5 tokens, 4 attempts for
 * DynamoDB; pre-2026: 10 / 5, 3 attempts). The base delays are drawn at random (full jitter), so
 * only their bounds are pinned, over many draws.
 */
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoClient, type SdkSettings } from './dynamodb-client.ts';

const clients: DynamoClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function strategyOf(retryRules: SdkSettings['retryRules'], retryMode: 'standard' | 'adaptive' = 'standard'): Promise<RetryStrategyV2 & { getCapacity?: () => number; standardRetryStrategy?: { getCapacity(): number } }> {
  const c = new DynamoClient({ name: '127.0.0.1', port: 9, sdk: { retryMode, ...(retryRules ? { retryRules } : {}), maxAttempts: null, requestTimeoutMs: null, connectionTimeoutMs: null, maxSockets: 1 } });
  clients.push(c);
  return (await c.sdk.config.retryStrategy()) as never;
}

const timeout: RetryErrorInfo = { errorType: 'TRANSIENT' };
const throttled: RetryErrorInfo = { errorType: 'THROTTLING' };
const capacity = (s: Awaited<ReturnType<typeof strategyOf>>) => (s.standardRetryStrategy ?? s).getCapacity!();

/** Retries one call until the strategy refuses; the tokens it spent and the attempts it made. */
async function retryUntilRefused(s: Awaited<ReturnType<typeof strategyOf>>, info: RetryErrorInfo): Promise<{ attempts: number; spent: number }> {
  const before = capacity(s);
  let token: RetryToken = await s.acquireInitialRetryToken('dynamodb');
  let attempts = 1;
  for (;;) {
    try {
      token = await s.refreshRetryTokenForRetry(token, info);
      attempts++;
    } catch {
      return { attempts, spent: before - capacity(s) };
    }
  }
}

describe("DWFM's SDK retry rules", () => {
  it('2026 (as installed, and the default): 4 attempts for DynamoDB, a timeout retry 14 tokens, a throttled one 5', async () => {
    for (const rules of [undefined, '2026'] as const) {
      expect(await retryUntilRefused(await strategyOf(rules), timeout)).toEqual({ attempts: 4, spent: 3 * 14 });
      expect(await retryUntilRefused(await strategyOf(rules), throttled)).toEqual({ attempts: 4, spent: 3 * 5 });
    }
  });

  it('pre-2026 (@smithy/core 3.39.0): 3 attempts, a timeout retry 10 tokens, a throttled one 5', async () => {
    expect(await retryUntilRefused(await strategyOf('pre-2026'), timeout)).toEqual({ attempts: 3, spent: 2 * 10 });
    expect(await retryUntilRefused(await strategyOf('pre-2026'), throttled)).toEqual({ attempts: 3, spent: 2 * 5 });
    expect(await retryUntilRefused(await strategyOf('pre-2026', 'adaptive'), timeout)).toEqual({ attempts: 3, spent: 2 * 10 });
  });

  it('the first retry of a timeout waits at most the rules’ base: 25 ms (2026) against 100 ms (pre-2026)', async () => {
    const firstDelays = async (rules: SdkSettings['retryRules'], info: RetryErrorInfo, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = await strategyOf(rules);
        // The delay the strategy drew (and slept), not the wall time: a busy machine's late timers are not the SDK's.
        const token = (await s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken('dynamodb'), info)) as RetryToken & { $retryLog: { acquisitionDelay: number } };
        out.push(token.$retryLog.acquisitionDelay);
      }
      return out;
    };
    // Full jitter draws the first delay from [0, base]: over 12 draws the largest is near the base.
    const max = (xs: number[]) => Math.max(...xs);
    expect(max(await firstDelays('2026', timeout, 12))).toBeLessThan(25 + 15);
    const pre = max(await firstDelays('pre-2026', timeout, 12));
    expect(pre).toBeGreaterThan(40);
    expect(pre).toBeLessThan(100 + 15);
  });
});

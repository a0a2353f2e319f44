/**
 * AWS SDK for Java 2.x 2.59.1 (sdk-core: core/retry/RetryMode$Resolver, which defaults to STANDARD
 * and ignores AWS_NEW_RETRIES_2026 — "the standard and adaptive retry modes now use retry
 * behavior 2.1"; core/internal/retry/SdkDefaultRetrySetting): standard, 3 attempts, and legacy,
 * 4 attempts, each over a token bucket of 500 (legacy: 5 a retry). Every mode has a quota.
 */
import { maxAttemptsFrom, type SdkRetry } from './policy.ts';

export const javaSdk: SdkRetry = {
  sdk: 'software.amazon.awssdk:dynamodb',
  policy: (env) => {
    const mode = env.AWS_RETRY_MODE === 'legacy' || env.AWS_RETRY_MODE === 'adaptive' ? env.AWS_RETRY_MODE : 'standard';
    return { mode, maxAttempts: maxAttemptsFrom(env, mode === 'legacy' ? 4 : 3), quota: { tokens: 500, transientCost: mode === 'legacy' ? 5 : 14 }, source: 'software.amazon.awssdk sdk-core 2.59.1 RetryMode$Resolver, SdkDefaultRetrySetting' };
  },
};

/**
 * AWS SDK for Java 2.x 2.59.1 (sdk-core: core/retry/RetryMode$Resolver, which defaults to STANDARD
 * and ignores AWS_NEW_RETRIES_2026 — "the standard and adaptive retry modes now use retry
 * behavior 2.1"; core/internal/retry/SdkDefaultRetrySetting), each mode over a token bucket of 500
 * (legacy: 5 a retry). DynamoDB's client overrides the attempts (services/dynamodb/DynamoDbRetryPolicy,
 * dynamodb 2.59.1): 4 (MAX_ATTEMPTS_V21) from a 25 ms base, 9 in legacy (MAX_ATTEMPTS_V20).
 * Every mode has a quota.
 */
import { maxAttemptsFrom, type SdkRetry } from './policy.ts';

export const javaSdk: SdkRetry = {
  before2026: {
    env: { AWS_RETRY_MODE: 'legacy' },
    source: 'sdk-core 2.57.13 RetryMode$Resolver: STANDARD only with AWS_NEW_RETRIES_2026, else LEGACY; 2.59.1 logs "To use the previous default retry behavior, set the retry mode to legacy"',
  },
  update2026: 'in force by default: standard and adaptive use "retry behavior 2.1" (RetryMode$Resolver; AWS_NEW_RETRIES_2026 ignored), DynamoDB 4 attempts from 25 ms',
  sdk: 'software.amazon.awssdk:dynamodb',
  policy: (env) => {
    const mode = env.AWS_RETRY_MODE === 'legacy' || env.AWS_RETRY_MODE === 'adaptive' ? env.AWS_RETRY_MODE : 'standard';
    return { mode, maxAttempts: maxAttemptsFrom(env, mode === 'legacy' ? 9 : 4), quota: { tokens: 500, transientCost: mode === 'legacy' ? 5 : 14 }, source: 'software.amazon.awssdk sdk-core 2.59.1 RetryMode$Resolver, SdkDefaultRetrySetting; dynamodb 2.59.1 DynamoDbRetryPolicy' };
  },
};

/**
 * aws-sdk-go-v2 v1.48.0 (aws/retry/standard.go): standard by default, 3 attempts
 * (DefaultMaxAttempts) — but DynamoDB's client (service/dynamodb v1.74.1 api_client.go,
 * resolveRetryer) sets 4 and a 25 ms base unless RetryMaxAttempts is given — the quota of 500 tokens (DefaultRetryRateTokens), a retry costing 14
 * (`defaultRetryCost`; the 5 and 10 of before are deprecated); adaptive (aws/retry/adaptive.go)
 * wraps the standard retryer with a rate limiter on throttling errors. There is no legacy mode.
 */
import { maxAttemptsFrom, type SdkRetry } from './policy.ts';

export const goSdk: SdkRetry = {
  before2026: { unavailable: 'the update changed the standard retryer in place (aws/retry defaultRetryCost 14; the 5 and 10 of before deprecated); the old costs are an older aws-sdk-go-v2 release, which this example does not build' },
  update2026: 'in force by default: aws/retry `defaultRetryCost = 14` (the 5 and 10 of before deprecated); DynamoDB 4 attempts from 25 ms',
  sdk: 'aws-sdk-go-v2/service/dynamodb',
  policy: (env) => ({ mode: env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard', maxAttempts: maxAttemptsFrom(env, 4), quota: { tokens: 500, transientCost: 14 }, source: 'aws-sdk-go-v2 v1.48.0 aws/retry/standard.go, service/dynamodb v1.74.1 api_client.go' }),
};

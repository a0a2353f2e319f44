/**
 * aws-sdk-go-v2 v1.48.0 (aws/retry/standard.go): standard by default, 3 attempts
 * (DefaultMaxAttempts) — but DynamoDB's client (service/dynamodb v1.74.1 api_client.go,
 * resolveRetryer) sets 4 and a 25 ms base unless RetryMaxAttempts is given — the quota of 500 tokens (DefaultRetryRateTokens), a retry costing 14
 * (`defaultRetryCost`; the 5 and 10 of before are deprecated); adaptive (aws/retry/adaptive.go)
 * wraps the standard retryer with a rate limiter on throttling errors. There is no legacy mode.
 */
import { maxAttemptsFrom, type SdkRetry } from './policy.ts';

export const goSdk: SdkRetry = {
  before2026: {
    unavailable:
      'the update changed the standard retryer in place (aws/retry defaultRetryCost 14; the 5 and 10 of before deprecated); the old costs are the v1.47.8 release (service/dynamodb v1.73.2), which a service runs only if it builds against it too (the Go example does, with go.pre2026.mod: its sdk.before2026Env)',
  },
  // aws-sdk-go-v2 v1.47.8 aws/retry/standard.go without AWS_NEW_RETRIES_2026: a timeout retry 10 tokens
  // (DefaultRetryTimeoutCost), any other 5; service/dynamodb v1.73.2 sets 4 attempts only with that variable, else 3.
  policyBefore2026: (env) => ({
    mode: env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard',
    maxAttempts: maxAttemptsFrom(env, 3),
    quota: { tokens: 500, transientCost: 10 },
    source: 'aws-sdk-go-v2 v1.47.8 aws/retry/standard.go (DefaultRetryTimeoutCost 10, DefaultRetryCost 5), service/dynamodb v1.73.2 api_client.go (3 attempts unless AWS_NEW_RETRIES_2026)',
  }),
  update2026: 'in force by default: aws/retry `defaultRetryCost = 14` (the 5 and 10 of before deprecated); DynamoDB 4 attempts from 25 ms',
  sdk: 'aws-sdk-go-v2/service/dynamodb',
  policy: (env) => ({ mode: env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard', maxAttempts: maxAttemptsFrom(env, 4), quota: { tokens: 500, transientCost: 14 }, source: 'aws-sdk-go-v2 v1.48.0 aws/retry/standard.go, service/dynamodb v1.74.1 api_client.go' }),
};

/**
 * boto3 1.44.18 / botocore 1.44.18: the default mode is standard (configprovider.py:
 * `'retry_mode': (…, 'AWS_RETRY_MODE', 'standard', …)`) with 4 attempts for DynamoDB
 * (retries/standard.py `_SERVICE_MAX_ATTEMPTS`) and the quota of 500 tokens (retries/quota.py),
 * a transient retry costing 14 (`RetryQuotaChecker._RETRY_COST`); adaptive adds a client-side rate
 * limiter on throttling errors over the same quota. `legacy` (retryhandler.py) has no quota and
 * allows DynamoDB 10 attempts (data/_retry.json `dynamodb.__default__.max_attempts`).
 */
import { maxAttemptsFrom, type SdkRetry } from './policy.ts';

export const pythonSdk: SdkRetry = {
  before2026: {
    env: { AWS_RETRY_MODE: 'legacy' },
    source: "botocore 1.43.127 configprovider.py: `_DEFAULT_RETRY_MODE = 'standard' if NEW_RETRIES_ENABLED else 'legacy'` (AWS_NEW_RETRIES_2026 unset); its retryhandler.py and data/_retry.json are byte for byte 1.44.18's",
  },
  update2026: 'in force by default: retries/quota.py `_RETRY_COST = 14`, DynamoDB 4 attempts (retries/standard.py)',
  sdk: 'boto3',
  policy: (env) => {
    const mode = env.AWS_RETRY_MODE === 'legacy' || env.AWS_RETRY_MODE === 'adaptive' ? env.AWS_RETRY_MODE : 'standard';
    if (mode === 'legacy') return { mode, maxAttempts: maxAttemptsFrom(env, 10), quota: null, source: 'botocore 1.44.18 retryhandler.py, data/_retry.json' };
    return { mode, maxAttempts: maxAttemptsFrom(env, 4), quota: { tokens: 500, transientCost: 14 }, source: 'botocore 1.44.18 retries/standard.py, retries/quota.py' };
  },
};

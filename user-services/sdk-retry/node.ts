/**
 * @aws-sdk/client-dynamodb v3 (3.1169.0), whose retries are @smithy/core 3.41.1
 * (dist-cjs/submodules/retry/index.js): modes standard (the default) and adaptive, both with the
 * quota of 500 tokens (INITIAL_RETRY_TOKENS), a transient retry costing 14 since `Retry.v2026 = true`
 * (unconditional from 3.40.0), 1 back per success (NO_RETRY_INCREMENT); 3 attempts by default.
 * There is no legacy mode in v3.
 */
import { maxAttemptsFrom, type SdkRetry } from './policy.ts';

const SOURCE = '@smithy/core 3.41.1 dist-cjs/submodules/retry/index.js';

export const nodeSdk: SdkRetry = {
  sdk: '@aws-sdk/client-dynamodb',
  policy: (env) => ({ mode: env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard', maxAttempts: maxAttemptsFrom(env, 3), quota: { tokens: 500, transientCost: 14 }, source: SOURCE }),
};

/**
 * @aws-sdk/client-dynamodb v3 (3.1169.0), whose retries are @smithy/core 3.41.1
 * (dist-cjs/submodules/retry/index.js): modes standard (the default) and adaptive, both with the
 * quota of 500 tokens (INITIAL_RETRY_TOKENS), a transient retry costing 14 since `Retry.v2026 = true`
 * (unconditional from 3.40.0), 1 back per success (NO_RETRY_INCREMENT). DynamoDB's client asks for
 * 4 attempts from a 25 ms base (client-dynamodb dist-cjs/index.js: `resolveRetryConfig(…,
 * { defaultBaseDelay: 25, defaultMaxAttempts: 4 })`; before the update, 3.1163.0 asked for them only
 * when `Retry.v2026`, else 3 from 100 ms). There is no legacy mode in v3.
 */
import { maxAttemptsFrom, type SdkRetry } from './policy.ts';

const SOURCE = '@smithy/core 3.41.1 dist-cjs/submodules/retry/index.js, @aws-sdk/client-dynamodb 3.1169.0 dist-cjs/index.js';

const SOURCE_BEFORE = '@smithy/core 3.39.0 dist-cjs/submodules/retry/index.js (Retry.v2026 false: cost 10 a timeout, 5 otherwise; base 100 ms), 3 attempts';

export const nodeSdk: SdkRetry = {
  before2026: {
    unavailable:
      'the update changed standard in place (@smithy/core 3.40.0: a retry 5 or 10 tokens → 14, base 100 → 25 ms, DynamoDB 3 → 4 attempts); the old rules are the 3.39.0 release, which a service runs only if it installs it beside the current one (the Node example does, as the npm alias smithy-core-pre-2026: its sdk.before2026Env)',
  },
  policyBefore2026: (env) => ({ mode: env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard', maxAttempts: maxAttemptsFrom(env, 3), quota: { tokens: 500, transientCost: 10 }, source: SOURCE_BEFORE }),
  update2026: 'in force unconditionally: @smithy/core `Retry.v2026 = true` since 3.40.0 (2026-11-10); 3.39.0 and before only with SMITHY_NEW_RETRIES_2026=true',
  sdk: '@aws-sdk/client-dynamodb',
  policy: (env) => ({ mode: env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard', maxAttempts: maxAttemptsFrom(env, 4), quota: { tokens: 500, transientCost: 14 }, source: SOURCE }),
};

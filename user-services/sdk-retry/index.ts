/**
 * The SDKs whose retry code the lab has read, registered by package name (a new one is one new
 * file), and the policy a service's file and environment put in force.
 */
import { goSdk } from './go.ts';
import { javaSdk } from './java.ts';
import { nodeSdk } from './node.ts';
import type { RetryPolicy, SdkRetry } from './policy.ts';
import { pythonSdk } from './python.ts';

export { callsPerAttemptUnderFailure, type RetryPolicy, type SdkRetry } from './policy.ts';

export const SDK_RETRIES: readonly SdkRetry[] = [nodeSdk, pythonSdk, goSdk, javaSdk];

/**
 * The retry policy of a service: its own loop when the file names the variable that turns one on
 * (`sdk.handWrittenRetryEnv`) and the environment sets it above 0 (N retries per call at once, the
 * SDK's own off, no quota), else its SDK's for the environment's AWS_RETRY_MODE / AWS_MAX_ATTEMPTS —
 * the code from before the 2026 update when the file's `sdk.before2026Env` is set to 1 — and null
 * for an SDK (or pre-update code) the lab has not read.
 */
export function retryPolicyOf(spec: { readonly sdk: { readonly name: string; readonly handWrittenRetryEnv?: string | undefined; readonly before2026Env?: string | undefined }; readonly env: Readonly<Record<string, string>> }): RetryPolicy | null {
  const loopVar = spec.sdk.handWrittenRetryEnv;
  const n = loopVar === undefined ? 0 : Number(spec.env[loopVar] ?? 0);
  if (Number.isInteger(n) && n > 0) return { mode: 'hand-written loop', maxAttempts: n + 1, quota: null, source: `${loopVar}=${n}: ${n} retries per call at once, the SDK's own off` };
  const sdk = sdkRetryOf(spec.sdk.name);
  const before = spec.sdk.before2026Env;
  if (before !== undefined && spec.env[before] === '1') return sdk?.policyBefore2026?.(spec.env) ?? null;
  return sdk?.policy(spec.env) ?? null;
}

/** The SDK the lab has read under this package name, if any. */
export function sdkRetryOf(name: string): SdkRetry | undefined {
  return SDK_RETRIES.find((s) => s.sdk === name);
}

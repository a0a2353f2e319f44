/**
 * What an AWS SDK's retry settings do once every call fails (a DynamoDB endpoint that resolves to
 * nothing, then a table whose queue is past the SDK's timeout): how many calls one attempt of the
 * service's request makes. With a retry quota (every current SDK's standard and adaptive modes,
 * Java's legacy mode) the quota is spent within the first few dozen retries and refilled only by
 * successes, so under sustained failure an attempt makes **one** call; without one (boto3's legacy
 * mode, a hand-written loop) it makes every attempt it is allowed. One file per SDK, registered
 * in index.ts; each names the file and version it was read from.
 */
export interface RetryQuota {
  /** Tokens the quota starts with and holds at most. */
  readonly tokens: number;
  /** Tokens a retry after a transient error (a timeout, a connection error) costs. */
  readonly transientCost: number;
}

export interface RetryPolicy {
  /** The mode in force: the SDK's name for it, or `hand-written loop`. */
  readonly mode: string;
  /** Attempts per call the settings allow. */
  readonly maxAttempts: number;
  readonly quota: RetryQuota | null;
  /** Where this was read: the SDK's file and version. */
  readonly source: string;
}

/** Calls one attempt of the service's request makes per DynamoDB call once every call fails. */
export function callsPerAttemptUnderFailure(p: RetryPolicy): number {
  return p.quota ? 1 : p.maxAttempts;
}

export interface SdkRetry {
  /** The SDK's package name as a service file gives it (`sdk.name`). */
  readonly sdk: string;
  /** The policy the service's environment selects (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS). */
  policy(env: Readonly<Record<string, string>>): RetryPolicy;
  /** Where the 2026 retry update stands at the version read, and from which code. */
  readonly update2026: string;
  /**
   * The default before the update, where the version read still runs it under a setting with its
   * code unchanged (the variables that select it, and where that was read); else why it cannot.
   */
  readonly before2026: { readonly env: Readonly<Record<string, string>>; readonly source: string } | { readonly unavailable: string };
  /**
   * The policy of the pre-update code, for a service that runs it from an older release installed
   * beside the current one (its file's `sdk.before2026Env` set to 1), where the lab has read it.
   */
  policyBefore2026?(env: Readonly<Record<string, string>>): RetryPolicy;
}

/** AWS_MAX_ATTEMPTS as every SDK reads it (total attempts, first one included), else the default. */
export function maxAttemptsFrom(env: Readonly<Record<string, string>>, fallback: number): number {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

/**
 * The retry configurations `bench sdks` puts a service through, each named in every row: what it
 * changes in the service file (`service.*` settings, as a sweep's grid gives them), or why it does
 * not apply to this service (an SDK without that mode, a file that names no hand-written loop). A
 * new one is one more entry; the CLI's list and its checks derive from this one.
 */
import type { ServiceSpec } from '../service-file.ts';
import { retryPolicyOf, sdkRetryOf } from './index.ts';

export type ServiceSets = readonly (readonly [string, unknown])[];

export interface RetryConfiguration {
  readonly name: string;
  readonly description: string;
  /** The settings that put it in force for this service, or why it does not apply. */
  readonly sets: (spec: ServiceSpec) => ServiceSets | { readonly notApplicable: string };
  /** Another configuration this one is, for this service (not run twice; its row says so). */
  readonly sameAs?: (spec: ServiceSpec) => string | null;
}

/** The SDK mode set through AWS_RETRY_MODE, if the SDK the service ships has it. */
const mode = (m: 'standard' | 'adaptive' | 'legacy'): RetryConfiguration['sets'] => (spec) => {
  const policy = retryPolicyOf({ sdk: spec.sdk, env: { ...spec.env, AWS_RETRY_MODE: m } });
  if (!policy) return { notApplicable: `the lab has not read ${spec.sdk.name}'s retry code (user-services/sdk-retry/)` };
  return policy.mode === m ? [['service.env.AWS_RETRY_MODE', m]] : { notApplicable: `${spec.sdk.name} has no ${m} mode` };
};

export const RETRY_CONFIGURATIONS: readonly RetryConfiguration[] = [
  { name: 'default', description: "the SDK's shipped default: the file as it is (every SDK the lab has read defaults to standard with the 2026 rules)", sets: () => [] },
  {
    name: 'standard',
    description: 'AWS_RETRY_MODE=standard',
    sets: mode('standard'),
    // The file's environment already selects standard (every SDK read defaults to it): the same code.
    sameAs: (spec) => (retryPolicyOf(spec)?.mode === 'standard' ? 'default' : null),
  },
  { name: 'adaptive', description: 'AWS_RETRY_MODE=adaptive: standard plus a client-side rate limiter that slows down on throttling errors', sets: mode('adaptive') },
  { name: 'legacy', description: "AWS_RETRY_MODE=legacy, where the SDK still has it (boto3: no quota; Java: DynamoDB's 9 attempts)", sets: mode('legacy') },
  {
    name: 'default-before-2026',
    description:
      "the SDK's default before the 2026 retry update: where the version shipped still runs it under a setting with its code unchanged (boto3 and Java: their legacy mode), that setting; else the older release a service installs beside the current one (its file's sdk.before2026Env: the Node example's @smithy/core 3.39.0)",
    sets: (spec) => {
      const sdk = sdkRetryOf(spec.sdk.name);
      const before = sdk?.before2026;
      if (!before) return { notApplicable: `the lab has not read ${spec.sdk.name}'s retry code (user-services/sdk-retry/)` };
      if (!('unavailable' in before)) return Object.entries(before.env).map(([k, v]) => [`service.env.${k}`, v] as const);
      if (spec.sdk.before2026Env && sdk.policyBefore2026) return [[`service.env.${spec.sdk.before2026Env}`, '1']];
      return { notApplicable: before.unavailable };
    },
    sameAs: (spec) => {
      const before = sdkRetryOf(spec.sdk.name)?.before2026;
      return before && 'env' in before && before.env.AWS_RETRY_MODE === 'legacy' && Object.keys(before.env).length === 1 ? 'legacy' : null;
    },
  },
  {
    name: 'loop',
    description: "the service's hand-written loop without backoff: the SDK's retries off, each call retried 5 more times at once",
    sets: (spec) => (spec.sdk.handWrittenRetryEnv ? [[`service.env.${spec.sdk.handWrittenRetryEnv}`, 5]] : { notApplicable: 'its file names no hand-written loop (sdk.handWrittenRetryEnv)' }),
  },
  {
    name: 'no-caller-retries',
    description: "the SDK's default, and callers that do not retry a failed request (workload.callers.retry: none)",
    sets: (spec) => (spec.workload.callers.retry.mode === 'none' ? { notApplicable: 'its callers do not retry already' } : [['service.workload.callers.retry', { mode: 'none' }]]),
  },
];

export const RETRY_CONFIGURATION_NAMES = RETRY_CONFIGURATIONS.map((c) => c.name);

export function retryConfiguration(name: string): RetryConfiguration | undefined {
  return RETRY_CONFIGURATIONS.find((c) => c.name === name);
}

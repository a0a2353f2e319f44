import { describe, expect, it } from 'vitest';
import { callsPerAttemptUnderFailure, retryPolicyOf } from './index.ts';

const spec = (name: string, env: Record<string, string> = {}) => ({ sdk: { name, handWrittenRetryEnv: 'ORDERS_NAIVE_RETRY' }, env });

describe("the SDKs' retry policies, as read from their code", () => {
  it('every shipped default has a quota of 500 and a transient retry costs 14 (the 2026 behaviour in force): one call per attempt under failure', () => {
    for (const sdk of ['@aws-sdk/client-dynamodb', 'boto3', 'aws-sdk-go-v2/service/dynamodb', 'software.amazon.awssdk:dynamodb']) {
      const p = retryPolicyOf(spec(sdk))!;
      expect(p, sdk).toMatchObject({ mode: 'standard', quota: { tokens: 500, transientCost: 14 } });
      expect(callsPerAttemptUnderFailure(p)).toBe(1);
    }
    expect(retryPolicyOf(spec('boto3'))!.maxAttempts).toBe(4); // DynamoDB's own in botocore's standard mode
  });

  it("boto3's legacy mode has no quota: DynamoDB's 10 attempts each time; Java's legacy keeps a bucket (5 a retry) over DynamoDB's 9 attempts", () => {
    const legacy = retryPolicyOf(spec('boto3', { AWS_RETRY_MODE: 'legacy' }))!;
    expect(legacy).toMatchObject({ mode: 'legacy', maxAttempts: 10, quota: null });
    expect(callsPerAttemptUnderFailure(legacy)).toBe(10);
    expect(callsPerAttemptUnderFailure(retryPolicyOf(spec('boto3', { AWS_RETRY_MODE: 'legacy', AWS_MAX_ATTEMPTS: '3' }))!)).toBe(3);
    expect(retryPolicyOf(spec('software.amazon.awssdk:dynamodb', { AWS_RETRY_MODE: 'legacy' }))).toMatchObject({ maxAttempts: 9, quota: { transientCost: 5 } });
    // Every DynamoDB client of the four asks for 4 attempts in standard mode (its own override).
    for (const sdk of ['@aws-sdk/client-dynamodb', 'boto3', 'aws-sdk-go-v2/service/dynamodb', 'software.amazon.awssdk:dynamodb']) expect(retryPolicyOf(spec(sdk, {}))).toMatchObject({ mode: 'standard', maxAttempts: 4 });
    expect(retryPolicyOf(spec('@aws-sdk/client-dynamodb', { AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '5' }))).toMatchObject({ mode: 'adaptive', maxAttempts: 5 });
  });

  it('the hand-written loop the file names: N + 1 calls, no quota; unset or 0 is the SDK; an unknown SDK is null', () => {
    const loop = retryPolicyOf(spec('@aws-sdk/client-dynamodb', { ORDERS_NAIVE_RETRY: '5' }))!;
    expect(loop).toMatchObject({ mode: 'hand-written loop', maxAttempts: 6, quota: null });
    expect(callsPerAttemptUnderFailure(loop)).toBe(6);
    expect(retryPolicyOf(spec('@aws-sdk/client-dynamodb', { ORDERS_NAIVE_RETRY: '0' }))!.mode).toBe('standard');
    expect(retryPolicyOf({ sdk: { name: '@aws-sdk/client-dynamodb' }, env: { ORDERS_NAIVE_RETRY: '5' } })!.mode).toBe('standard');
    expect(retryPolicyOf(spec('my-own-sdk'))).toBeNull();
  });
});

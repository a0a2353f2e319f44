/**
 * The game day's arms: the same us-east-1 outage, seed and load, with DWFM behaving differently.
 * Each arm says what it must show (reproduce the collapse, or recover by itself) and so which
 * checks it gets. `--quick` scales the whole arc down (QUICK_SETS) for a run in under 3 minutes.
 */
import { CheckSpecSchema, type CheckSpec } from '../../checks/index.ts';
import { INCIDENT_MILESTONES } from '../../checks/milestones-in-order.ts';
import type { ArmInfo } from '../../reporters/reporter.ts';

export interface ArmDef extends ArmInfo {
  /** --set overrides for this arm. */
  readonly sets: readonly string[];
  /** Operator actions this arm runs without (the control runs without the throttle). */
  readonly withoutOperator: readonly string[];
  /** End the run this long after DNS is restored (the control, which would otherwise run to maxDurationMs). */
  readonly stopAfterDnsRestoredMs?: { readonly full: number; readonly quick: number };
  readonly checks: readonly CheckSpec[];
  /** Measured wall time of the arm (2-core machine; the race's own timing moves it by up to ~20 s), for the live display. */
  readonly expectedMs: { readonly full: number; readonly quick: number };
}

/** A check with its settings validated (defaults filled in) by the check's own schema. */
const check = (name: string, settings: Record<string, unknown> = {}): CheckSpec => CheckSpecSchema.parse({ name, ...settings });
export const COMMON_CHECKS = [check('steady-before-faults'), check('detection-within-1s'), check('no-lost-writes')];
/**
 * An arm that recovers need not show the NLB flapping (with a small backlog no target fails its
 * health checks, so there is nothing to restore; when targets are removed, their restoration is
 * still ordered), nor drain the network backlog after its last lease: with full jitter the last
 * leases trickle in slower than the Network Manager works, so the backlog the herd built can
 * drain before the last lease is back.
 */
const RECOVERS = [
  ...COMMON_CHECKS,
  check('leases-reestablished'),
  check('milestones-in-order', { expect: INCIDENT_MILESTONES.filter((m) => m !== 'nlb.targets.restored'), unordered: [['leases.all-valid', 'network.backlog.drained']] }),
  check('not-metastable'),
];

/**
 * The AWS SDK's own retry modes under DWFM (DWFM's loop re-queues, naively, only what the SDK gave
 * up on): with the SDK's defaults, and with what a careful team sets — a request timeout (DWFM's
 * 1 s), a connect timeout, and sockets raised to DWFM's 384 for throughput.
 */
const TUNED = ['dwfm.sdk.requestTimeoutMs=1000', 'dwfm.sdk.connectionTimeoutMs=500', 'dwfm.sdk.maxSockets=384'];
const sdkArm = (name: string, description: string, sets: readonly string[], expect: 'collapse' | 'recover', expectedMs: ArmDef['expectedMs']): ArmDef => ({
  name,
  description,
  expect,
  throttleScripted: true,
  sets: ['dwfm.strategy=naive', ...sets],
  withoutOperator: [],
  checks: expect === 'recover' ? RECOVERS : [...COMMON_CHECKS, check('leases-reestablished'), check('collapse-reproduced')],
  expectedMs,
});
const SDK_ARMS: readonly ArmDef[] = [
  sdkArm('sdk-standard', "the AWS SDK's standard mode with its defaults before the 2026 update (@smithy/core 3.39.0): 3 attempts, full jitter from 100 ms, a 500-token retry quota (a timeout retry 10, any other 5), no request timeout, 50 sockets", ['dwfm.sdk.retryMode=standard', 'dwfm.sdk.retryRules=pre-2026'], 'recover', { full: 60_000, quick: 40_000 }),
  sdkArm('sdk-standard-2026', "the AWS SDK's standard mode with the 2026 update, as installed (@smithy/core 3.41): DynamoDB's 4 attempts, full jitter from 25 ms, a 500-token quota at 14 a retry (5 after throttling, from 1 s), no request timeout, 50 sockets", ['dwfm.sdk.retryMode=standard', 'dwfm.sdk.retryRules=2026'], 'recover', { full: 60_000, quick: 40_000 }),
  sdkArm('sdk-adaptive', "the AWS SDK's adaptive mode with its defaults (2026 rules, as installed): standard plus a client-side rate limiter that slows down on throttling errors", ['dwfm.sdk.retryMode=adaptive'], 'recover', { full: 60_000, quick: 40_000 }),
  sdkArm('sdk-legacy', "the legacy mode (SDK v2's DynamoDB retries): 10 retries, 50 ms × 2ⁿ full jitter, no quota, v2's 120 s timeout, 50 sockets", ['dwfm.sdk.retryMode=legacy', 'dwfm.sdk.requestTimeoutMs=120000'], 'recover', { full: 85_000, quick: 50_000 }),
  sdkArm('sdk-standard-tuned', 'standard mode (2026 rules) as a careful team sets it: 1 s request timeout, 500 ms connect timeout, 384 sockets', ['dwfm.sdk.retryMode=standard', ...TUNED], 'collapse', { full: 170_000, quick: 70_000 }),
  sdkArm('sdk-adaptive-tuned', 'adaptive mode (2026 rules) as a careful team sets it: 1 s request timeout, 500 ms connect timeout, 384 sockets', ['dwfm.sdk.retryMode=adaptive', ...TUNED], 'collapse', { full: 170_000, quick: 70_000 }),
];

export const ARMS: readonly ArmDef[] = [
  {
    name: 'naive',
    description: 'DWFM as in the incident: 1 s timeout, immediate retry, no limit; the runbook throttles it (scripted) once it has stayed collapsed 30 s after DNS is back (16 s with --quick)',
    expect: 'collapse',
    throttleScripted: true,
    sets: ['dwfm.strategy=naive'],
    withoutOperator: [],
    checks: [...COMMON_CHECKS, check('leases-reestablished'), check('milestones-in-order', { expect: [...INCIDENT_MILESTONES] }), check('collapse-reproduced'), check('alerts-in-order')],
    expectedMs: { full: 105_000, quick: 50_000 },
  },
  {
    name: 'full-jitter',
    description: 'full-jitter backoff (base 100 ms, cap 20 s; 10 s with --quick), no other limit',
    expect: 'recover',
    throttleScripted: true,
    sets: ['dwfm.strategy=full-jitter'],
    withoutOperator: [],
    checks: RECOVERS,
    expectedMs: { full: 65_000, quick: 45_000 },
  },
  {
    name: 'best',
    description: "the benchmark's best: naive retries with at most 80 batches in flight (twice the leases table's 40 workers: the middle of the measured safe range 40–160) and 100 ms probing",
    expect: 'recover',
    throttleScripted: true,
    sets: ['dwfm.strategy=naive', 'dwfm.concurrency=80', 'dwfm.fastFailRetryMs=100'],
    withoutOperator: [],
    checks: RECOVERS,
    expectedMs: { full: 60_000, quick: 37_000 },
  },
  {
    name: 'naive-no-throttle',
    description: 'the control: naive DWFM and no runbook throttle — does it recover by itself? (stops 60 s after DNS is back; 25 s with --quick)',
    expect: 'collapse',
    throttleScripted: false,
    sets: ['dwfm.strategy=naive'],
    withoutOperator: ['throttle-dwfm'],
    stopAfterDnsRestoredMs: { full: 60_000, quick: 25_000 },
    checks: [
      ...COMMON_CHECKS,
      check('milestones-in-order', { expect: ['fault.injected', 'dns.empty', 'dns.detected', 'leases.lapsing', 'dns.restored', 'dynamodb.reachable', 'dynamodb.healthy'] }),
      check('collapse-reproduced'),
    ],
    expectedMs: { full: 100_000, quick: 50_000 },
  },
  ...SDK_ARMS,
];

export const ARM_NAMES = ARMS.map((a) => a.name);
/** The game day's default: the lab's strategies, the control, and the AWS SDK's modes with their defaults, standard before and after the 2026 update (the rest on request). */
export const DEFAULT_ARMS = { full: ['naive', 'full-jitter', 'best', 'naive-no-throttle', 'sdk-standard', 'sdk-standard-2026', 'sdk-adaptive'], quick: ['naive', 'full-jitter', 'best'] } as const;


/**
 * comparison.json: one row of figures per game-day arm, computed from each arm's summary (itself
 * computed from its history). The schema below is the file's documentation and what the
 * regression gate validates a baseline with.
 */
import { z } from 'zod';
import { describeDwfmClient } from '../../../services/dwfm/sdk-client.ts';
import { DYNAMODB_FRONTEND_COUNT } from '../../../topology/topology.ts';
import type { ArmInfo, RunResult } from '../../run/result.ts';

const ms = z.number().int().min(0);

export const ArmFiguresSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    /** collapse: the arm reproduces the outage; recover: the arm must recover by itself; respond: people play it (a game). */
    expect: z.enum(['collapse', 'recover', 'respond']),
    /** pass when every check of the arm passed. */
    verdict: z.enum(['pass', 'fail']),
    status: z.enum(['completed', 'failed', 'aborted', 'interrupted']),
    /** Goodput stayed under 10 % of C for longer than 5 × M / C after the trigger was gone. */
    metastable: z.boolean(),
    /** self: every lease came back without a rescue; throttle: only after a rescue (the throttle or a DWFM restart, scripted or by a person); null: never. */
    recoveredBy: z.enum(['self', 'throttle']).nullable(),
    /** Whether the runbook throttle was scripted in this arm (the no-throttle control: false). */
    throttleScripted: z.boolean(),
    /** Longest collapse after the trigger was gone. */
    collapseMs: ms,
    /** How long it had been collapsed when the scripted throttle came (null: no throttle applied). */
    collapsedBeforeRescueMs: ms.nullable(),
    /** Trigger gone → every customer SLO ≥ 99 % from then on (null: not within the run). */
    ttrMs: ms.nullable(),
    /** Trigger gone → every lapsed lease re-established (null: not within the run). */
    reestablishMs: ms.nullable(),
    /** reestablishMs / the capacity bound M / C. */
    ratioToBound: z.number().nullable(),
    /** Lease writes sent after DynamoDB was back / lapses to repair. */
    amplification: z.number().nullable(),
    /** Customer error-seconds from the first fault on (see the README). */
    customerErrorSeconds: z.number().min(0),
    /** Share of what the leases table served after the trigger that nobody waited for any more. */
    wastedShare: z.number().nullable(),
    checks: z.array(z.object({ name: z.string(), status: z.enum(['pass', 'fail', 'skipped']) }).strict()),
    /** DWFM's DynamoDB client in this arm: the AWS SDK's settings and DWFM's re-queue loop on top (absent in files from before the SDK). */
    client: z
      .object({
        line: z.string(),
        library: z.string(),
        sdk: z.object({ retryMode: z.enum(['none', 'standard', 'adaptive', 'legacy']), retryRules: z.enum(['2026', 'pre-2026']).nullable().optional(), maxAttempts: z.number().int(), requestTimeoutMs: z.number().nullable(), connectionTimeoutMs: z.number().nullable(), maxSockets: z.number().int() }).strict(),
        loop: z.object({ strategy: z.string(), timeoutMs: z.number().nullable(), concurrency: z.union([z.number(), z.literal('adaptive')]).nullable(), retryBudget: z.object({ ratePerSec: z.number(), burst: z.number() }).nullable() }).strict(),
      })
      .strict()
      .optional(),
    /** Users' services put through the arm (`gameday --service`), each judged by its own SLO. */
    services: z
      .array(
        z
          .object({
            name: z.string(),
            verdict: z.enum(['recovered', 'late', 'metastable', 'cut-short', 'no-trigger', 'exited']),
            metastable: z.boolean(),
            /** The record's restoration → the service's SLO held again (null: never). */
            ttrMs: ms.nullable(),
            /** DynamoDB calls per workload request from the restoration until its SLO held (its retry amplification). */
            callsPerRequest: z.number().nullable(),
          })
          .strict(),
      )
      .optional(),
    /** The arm's run folder, relative to the game day's folder. */
    runDir: z.string(),
  })
  .strict();

export const ComparisonSchema = z
  .object({
    version: z.literal(1),
    scenario: z.string(),
    seed: z.number().int(),
    quick: z.boolean(),
    leases: z.number().int().positive(),
    capacityPerSec: z.number().positive(),
    /** M / C: no strategy can re-establish every lease faster. */
    capacityBoundMs: z.number().positive(),
    /** Wall time of the whole game day. */
    durationMs: ms.optional(),
    arms: z.array(ArmFiguresSchema).min(1),
  })
  .strict();

export type ArmFigures = z.infer<typeof ArmFiguresSchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;

const ratio = (v: number | null, bound: number) => (v === null ? null : Math.round((v / bound) * 100) / 100);

export function armFigures(arm: ArmInfo, run: RunResult, runDir: string): ArmFigures {
  const s = run.summary;
  const throttled = s.operator.some((o) => (o.action === 'throttle-dwfm' || o.action === 'restart') && o.ok);
  return {
    name: arm.name,
    description: arm.description,
    expect: arm.expect,
    verdict: s.verdict,
    status: s.status,
    metastable: s.metastable,
    recoveredBy: s.recoveredBy,
    throttleScripted: arm.throttleScripted,
    collapseMs: s.herd.collapseMs,
    collapsedBeforeRescueMs: throttled ? s.collapsedBeforeRescueMs : null,
    ttrMs: s.recovery.ttrMs,
    reestablishMs: s.leases.reestablishMs,
    ratioToBound: ratio(s.leases.reestablishMs, s.capacityBoundMs),
    amplification: s.leases.amplification,
    customerErrorSeconds: s.customerErrorSeconds,
    wastedShare: s.herd.wasted.share,
    checks: s.checks.map((c) => ({ name: c.name, status: c.status })),
    client: describeDwfmClient(s.config.model.dwfm, DYNAMODB_FRONTEND_COUNT),
    ...(s.services.length
      ? {
          services: s.services.map((svc) => ({
            name: svc.name,
            verdict: svc.verdict,
            metastable: svc.metastable,
            ttrMs: svc.ttrMs,
            callsPerRequest: svc.phases.find((p) => p.name === 'recovering')?.dynamodbCallsPerRequest ?? null,
          })),
        }
      : {}),
    runDir,
  };
}

export function compare(opts: { scenario: string; seed: number; quick: boolean; arms: readonly ArmInfo[]; runs: readonly RunResult[]; runDirs: readonly string[]; durationMs: number }): Comparison {
  const first = opts.runs[0]!.summary;
  return {
    version: 1,
    scenario: opts.scenario,
    seed: opts.seed,
    quick: opts.quick,
    leases: first.leases.total,
    capacityPerSec: first.herd.capacityPerSec,
    capacityBoundMs: first.capacityBoundMs,
    durationMs: Math.round(opts.durationMs),
    arms: opts.arms.map((a, i) => armFigures(a, opts.runs[i]!, opts.runDirs[i]!)),
  };
}

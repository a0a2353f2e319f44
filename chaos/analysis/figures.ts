/**
 * What the analysis computes from a history, before any check reads it: the shape checks,
 * reporters and campaigns share. It imports no stage that uses it (checks, reporters), so the
 * analysis can run the checks without a cycle.
 */
import type { DnsOutcome } from '../../core/dns-outcome.ts';
import type { Story } from '../story/index.ts';
import type { AlertsSummary } from './alerts.ts';
import type { RecoveryAnalysis } from './recovery.ts';
import type { ServiceFigures } from '../../user-services/analysis.ts';

export interface Window {
  readonly sent: number;
  readonly ok: number;
  readonly errorRate: number | null;
}

export interface DnsSummary {
  readonly emptyRecordPublished: boolean;
  readonly emptyAtMs: number | null;
  readonly detectedAtMs: number | null;
  readonly restoredAtMs: number | null;
  readonly detectionMs: number | null;
  readonly canary: Record<DnsOutcome, number>;
}

/** Everything the analysis computes from the history, before any check reads it. */
export interface AnalysisFigures {
  readonly dns: DnsSummary;
  readonly writes: { readonly acknowledged: number; readonly lost: number };
  readonly customers: { readonly beforeFaults: Window; readonly whileEmpty: Window; readonly afterRestore: Window };
  readonly enactors: {
    readonly appliesFailedWhileEmpty: number;
    readonly staleAppliesRejected: number;
    /** Stale applies from an Enactor a fault delayed, rejected by fencing. */
    readonly delayedStaleRejected: number;
    readonly cleanupRefusals: number;
  };
  readonly faults: { name: string; type: string; injectedAtMs: number | null; healedAtMs: number | null }[];
  /** Runbook actions: scripted by the scenario, or taken by a person in a played game (`by`). */
  readonly operator: { action: string; atMs: number; ok: boolean; actor: 'scripted' | 'human'; by?: string }[];
  /** M / C in ms: no strategy can re-establish every lease faster. */
  readonly capacityBoundMs: number;
  readonly leases: RecoveryAnalysis['leases'];
  readonly metastable: boolean;
  readonly recovery: RecoveryAnalysis['recovery'];
  readonly nlb: RecoveryAnalysis['nlb'];
  readonly herd: Omit<RecoveryAnalysis, 'leases' | 'metastable' | 'recovery' | 'nlb' | 'capacityBoundMs' | 'recoveredBy' | 'collapsedBeforeRescueMs'>;
  /** How every lapsed lease came back: by itself, only after the scripted throttle, or never (null; also when none lapsed). */
  readonly recoveredBy: RecoveryAnalysis['recoveredBy'];
  /** How long the herd had been collapsed when the scripted throttle came (0 without a throttle or a collapse). */
  readonly collapsedBeforeRescueMs: number;
  /**
   * Customer error-seconds from the first fault on: for each customer load (DynamoDB customers,
   * RunInstances, the NLB), the sum over its seconds of the share of requests that failed; then
   * the mean over those loads. 10 means "as bad as every customer failing for 10 s".
   */
  readonly customerErrorSeconds: number;
  /** Contributing causes, blast radius, error-budget burn and fidelity to the real timeline. */
  readonly story: Story;
  /** Users' services put through the run (`--service`), each judged by its own SLO. */
  readonly services: readonly ServiceFigures[];
  /** What the monitoring said (with --monitoring prometheus): every rule's time to alert. */
  readonly alerts: AlertsSummary;
}

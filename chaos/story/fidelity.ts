/**
 * Fidelity to the real timeline: each stage's share of the run's outage beside its share of the
 * incident's 14 hours. Stages end at milestones the history shows; a stage that did not happen
 * in the run has no share.
 */
import type { Milestone } from '../analysis/milestones.ts';
import { INCIDENT } from './incident.ts';

export interface FidelityRow {
  readonly stage: string;
  readonly runMs: number | null;
  readonly runShare: number | null;
  readonly incidentMin: number;
  readonly incidentShare: number;
}

export function fidelity(milestones: readonly Milestone[], recoveredAtMs: number | null): FidelityRow[] {
  const at = (n: string) => milestones.find((m) => m.name === n)?.atMs ?? null;
  const start = at('dns.empty') ?? at('fault.injected');
  const network = [at('network.backlog.drained'), at('nlb.targets.restored')].filter((x): x is number => x !== null);
  const bounds: (number | null)[] = [start, at('dynamodb.reachable'), at('leases.all-valid'), network.length ? Math.max(...network) : null, recoveredAtMs];
  const incident = [0, INCIDENT.dnsRestoredMin, INCIDENT.leasesRecoveredMin, INCIDENT.networkRecoveredMin, INCIDENT.fullRecoveryMin];
  const stages = [
    'trigger: endpoint unreachable (DNS empty) until restored',
    'congestive collapse: DynamoDB back, leases not',
    'network backlog and NLB flapping',
    'tail: until every customer SLO holds',
  ];
  // The run's outage ends when its last stage does (customers can recover before the network drains).
  const ends = bounds.slice(1).filter((b): b is number => b !== null);
  const total = start !== null && recoveredAtMs !== null ? Math.max(...ends) - start : null;
  return stages.map((stage, i) => {
    const a = bounds[i];
    const b = bounds[i + 1];
    const runMs = a !== null && a !== undefined && b !== null && b !== undefined ? Math.max(0, Math.round(b - a)) : null;
    // Stages overlap when a later one ended first (the tail is then 0).
    const incidentMin = incident[i + 1]! - incident[i]!;
    return {
      stage,
      runMs,
      runShare: runMs !== null && total ? Math.round((runMs / total) * 1000) / 1000 : null,
      incidentMin,
      incidentShare: Math.round((incidentMin / INCIDENT.fullRecoveryMin) * 1000) / 1000,
    };
  });
}

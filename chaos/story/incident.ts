/**
 * The real incident's timeline (docs/design.md §1 and AWS's post-event summary), in
 * minutes after the empty record at 11:48 PM PDT on 19 October 2025. The fidelity table and the
 * error-budget conversion compare a run with these.
 */
export const INCIDENT = {
  /** 11:48 PM: monitoring detected the spike in DynamoDB API error rates (the incident report's T+0). */
  detectedMin: 0,
  /** T+~30 min: engineers confirmed Route 53 had published an empty record; DNS automation disabled. */
  identifiedMin: 30,
  /** 11:48 PM → 2:25 AM: the regional record was empty. */
  dnsRestoredMin: 157,
  /** T+~5h: EC2 state changes partially recover after DWFM is throttled by hand. */
  leasesRecoveredMin: 300,
  /** T+~11h (10:48 AM): Network Manager backlog cleared, NLBs restoring, most services back. */
  networkRecoveredMin: 660,
  /** T+14h02m (1:50 PM): full recovery confirmed. */
  fullRecoveryMin: 842,
} as const;

/** Minutes in a (365.25-day) year. */
export const MINUTES_PER_YEAR = 365.25 * 24 * 60;

/** The SLA tiers lesson 06 names. */
export const SLA_TIERS = [0.999, 0.9999] as const;

/**
 * The panels people put on their own dashboards, as PromQL over what the lab's Prometheus scrapes:
 * the same views as the console's and the report's charts (customer errors, DynamoDB API errors,
 * the two DNS probes, leases, launches, the network backlog, the NLB), plus the experiment's state
 * (faults active, operator actions by who took them, the run's phase) and the alerts. The Grafana
 * dashboard is generated from this list (grafana.ts); the integration test runs every query
 * against the real Prometheus.
 */
export interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
}

export const PANELS: readonly Panel[] = [
  {
    title: 'Customer error rate by load',
    unit: 'percentunit',
    targets: [{ expr: 'sum by (load) (rate(outage_lab_client_requests_total{outcome!="ok"}[2s])) / sum by (load) (rate(outage_lab_client_requests_total[2s]))', legend: '{{load}}' }],
  },
  {
    title: 'DynamoDB API errors (clients) by kind',
    unit: 'reqps',
    targets: [{ expr: 'sum by (outcome) (rate(outage_lab_client_requests_total{load="dynamodb",outcome!="ok"}[2s]))', legend: '{{outcome}}' }],
  },
  {
    title: "DNS probes of DynamoDB's endpoint: resolves (typical) vs has addresses (lesson 03)",
    unit: 'bool',
    targets: [
      { expr: 'probe_success{job="dns-resolves"}', legend: 'resolves (NOERROR)' },
      { expr: 'probe_success{job="dns-nonempty"}', legend: 'has an A record' },
      { expr: 'probe_dns_answer_rrs{job="dns-resolves"}', legend: 'answer records' },
    ],
  },
  { title: 'Valid DWFM leases', unit: 'short', targets: [{ expr: 'max(dwfm_leases_valid)', legend: 'valid' }, { expr: 'max(dwfm_leases_lapsed)', legend: 'lapsed' }] },
  {
    title: 'DWFM: leases sent vs re-established',
    unit: 'ops',
    targets: [
      { expr: 'sum(rate(dwfm_reestablish_items_sent[3s]))', legend: 'sent' },
      { expr: 'sum(rate(dwfm_reestablished[3s]))', legend: 're-established' },
    ],
  },
  {
    title: 'RunInstances success',
    unit: 'percentunit',
    targets: [{ expr: 'sum(rate(outage_lab_client_requests_total{load="runinstances",outcome="ok"}[2s])) / sum(rate(outage_lab_client_requests_total{load="runinstances"}[2s]))', legend: 'ok' }],
  },
  { title: 'Network Manager backlog', unit: 'short', targets: [{ expr: 'max(netmgr_backlog)', legend: 'backlog' }, { expr: 'max(netmgr_oldest_age_seconds)', legend: 'oldest change (s)' }] },
  { title: 'NLB healthy targets', unit: 'short', targets: [{ expr: 'max(nlb_targets_in_service)', legend: 'in service' }, { expr: 'sum(increase(nlb_targets_removed_total[3s]))', legend: 'removed (3 s)' }] },
  { title: 'Faults active (the experiment)', unit: 'short', targets: [{ expr: 'sum by (fault, type) (outage_lab_faults_active)', legend: '{{fault}} ({{type}})' }] },
  { title: 'Operator actions by who took them', unit: 'short', targets: [{ expr: 'sum by (action, actor) (outage_lab_operator_actions_total)', legend: '{{action}} ({{actor}})' }] },
  { title: "The run's phase", unit: 'short', targets: [{ expr: 'max by (phase) (outage_lab_run_phase) == 1', legend: '{{phase}}' }] },
  { title: 'Alerts firing', unit: 'short', targets: [{ expr: 'count by (alertname) (ALERTS{alertstate="firing"})', legend: '{{alertname}}' }] },
];

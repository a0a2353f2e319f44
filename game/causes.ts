/**
 * What a responder can name as the cause ("name the cause"), each with how the history tells
 * whether it was the trigger of this run: the debrief marks a named cause right or wrong from the
 * history alone, never from what the scenario says it injected.
 */
import type { HistoryEvent } from '../chaos/history/history.ts';
import { is } from '../core/events.ts';

export interface CauseChoice {
  readonly id: string;
  readonly label: string;
  /** True when this run's history shows this was what broke the endpoint. */
  readonly holds: (events: readonly HistoryEvent[]) => boolean;
}

const faultOn = (events: readonly HistoryEvent[], component: string, types: readonly string[]) =>
  events.filter(is('fault.injected')).some((e) => types.includes(e.faultType) && e.affects.includes(component));

export const CAUSES: readonly CauseChoice[] = [
  {
    id: 'dns-empty-record',
    label: "DynamoDB's regional DNS record is empty: the name resolves, to no addresses",
    holds: (ev) => ev.some((e) => e.type === 'route53.record.empty' && e.regional === true),
  },
  {
    id: 'dns-servers-failing',
    label: 'the DNS servers are failing (SERVFAIL, timeouts, refused queries)',
    holds: (ev) => faultOn(ev, 'coredns', ['kill', 'pause', 'restart']),
  },
  {
    id: 'network-partition',
    label: 'the network between the clients and DynamoDB is cut',
    holds: (ev) => ev.filter(is('fault.injected')).some((e) => e.faultType === 'link-down' && (e.links ?? []).some((l) => l.startsWith('dynamodb'))),
  },
  {
    id: 'dynamodb-servers-down',
    label: "DynamoDB's servers crashed or hang",
    holds: (ev) => faultOn(ev, 'dynamodb', ['kill', 'pause', 'restart']),
  },
  { id: 'dynamodb-overloaded', label: 'DynamoDB is overloaded: out of capacity', holds: () => false },
  { id: 'dwfm-bug', label: "a bug in DWFM's lease code", holds: () => false },
  { id: 'nlb-health-checks', label: "the NLB's health checks are misconfigured", holds: () => false },
];

export const CAUSE_IDS = CAUSES.map((c) => c.id) as [string, ...string[]];

export const causeChoice = (id: string): CauseChoice | undefined => CAUSES.find((c) => c.id === id);

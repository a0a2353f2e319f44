/** What the phases of one run share: the inputs, and what each phase started for the next. */
import type { LabContext, Lab } from '../../lab/lab.ts';
import type { ModelConfig } from '../../core/model-config.ts';
import type { RuntimeName } from '../../lab/runtimes/index.ts';
import type { CustomerLoad } from '../../loadtests/customers.ts';
import type { LoadGenerator } from '../../loadtests/k6.ts';
import type { DynamoClient } from '../../services/common/dynamodb-client.ts';
import type { Topology } from '../../topology/topology.ts';
import type { DnsCanary } from '../observe/canary.ts';
import type { EventTail } from '../observe/event-tail.ts';
import type { ActiveFault, ComponentControl } from '../experiment/faults/fault.ts';
import type { History, HistoryEvent } from '../history/history.ts';
import type { MetricsScraper } from '../observe/metrics-scraper.ts';
import type { HarnessExporter } from '../observe/harness-exporter.ts';
import type { Reporter } from '../reporters/reporter.ts';
import type { Scenario } from '../experiment/scenario.ts';
import type { ServicesInRun } from '../../user-services/in-run.ts';
import type { ServiceSpec } from '../../user-services/service-file.ts';
import type { RunStatus, Steps } from './journal.ts';

export interface RunOptions {
  readonly seed: number;
  readonly outDir: string;
  readonly lab: LabContext;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Which runtime starts the lab (default local). */
  readonly runtime?: RuntimeName;
  /** File reporters for this run (summary.json, report.md, …) and live ones; default markdown + json. */
  readonly reporters?: readonly Reporter[];
  /** A name for the run in live displays and reports (a game day's arm); default the scenario's. */
  readonly label?: string;
  /** Who generates RunInstances and NLB traffic (default builtin; k6 when on PATH). */
  readonly load?: LoadGenerator;
  /** What the live display shows as the expected duration (default the scenario's maxDurationMs). */
  readonly expectedMs?: number;
  /** A run people act on while it goes (a played game): see LiveControl. */
  readonly live?: LiveControl;
  /** Start the lab's monitoring too (Prometheus, the blackbox exporter, Alertmanager) and record its alerts. */
  readonly monitoring?: boolean;
  /** Users' services to put through the run (`--service FILE`), with their workloads. */
  readonly services?: readonly ServiceSpec[];
}

/**
 * A run that people play: its faults, scripted operator actions and time limit (the scenario's
 * stop.maxDurationMs) wait until `started` resolves — the facilitator starting the game — and the
 * run hands out a RunHandle once its lab is up, through which people act on it.
 */
export interface LiveControl {
  readonly started: Promise<void>;
  /** How long the lab waits for `started` before the run ends unplayed. */
  readonly lobbyLimitMs: number;
  attach(handle: RunHandle): void;
}

/** What acts on a running experiment (a played game's console, `outage-lab act`). */
export interface RunHandle {
  readonly history: History;
  readonly topology: Topology;
  readonly components: ComponentControl;
  /** Ends the run; the reason goes into its run.stop event. */
  stop(why: string): void;
  /** Heals every active fault at once and cancels the ones not yet injected; the names healed. */
  haltFaults(): Promise<string[]>;
  /** Injects the scenario's closed-loop trigger faults again (throws ConflictError when it cannot). */
  rearmTrigger(): Promise<string[]>;
  /** Runs a runbook action from the registry now, recorded as done by a person (`actor: human`). */
  act(action: string, settings: Record<string, unknown>, by: string): Promise<HistoryEvent>;
}

export interface Observers {
  tail?: EventTail;
  canary?: DnsCanary;
  scraper?: MetricsScraper;
  customers?: CustomerLoad;
  /** RunInstances and NLB traffic: the built-in generator or k6. */
  httpLoads: { stop(): Promise<void> }[];
  client?: DynamoClient;
  /** With monitoring: the experiment's metrics and Alertmanager's webhook. */
  exporter?: HarnessExporter;
}

export interface RunContext {
  readonly scenario: Scenario;
  readonly opts: RunOptions;
  readonly topology: Topology;
  readonly model: ModelConfig;
  readonly steps: Steps;
  readonly wallStart: Date;
  status: RunStatus;
  lab?: Lab;
  history?: History;
  readonly observers: Observers;
  readonly activeFaults: Map<string, ActiveFault>;
  readonly timers: NodeJS.Timeout[];
  /** Set once the faults were halted (an emergency stop): nothing more is injected. */
  faultsHalted?: boolean;
  /** Resolves with the reason the run stops (a stop condition, the max duration, an interrupt). */
  stopped?: Promise<string>;
  stop?: (why: string) => void;
  /** Pushes the max duration out (users' services' start and warm-up, and the wait for the lab to settle, are not the scenario's time). */
  extendRunEnd?: (ms: number) => void;
  /** Ends the run for a stop condition: once users' services have recovered from the restoration, or run out of their bound. */
  stopWhenServicesDone?: (why: string) => void;
  /** Users' services in the run, and why one failed it (it exited). */
  services?: ServicesInRun;
  serviceFailure?: string;
}

/**
 * Opens a console: a fresh secret, the page, the stream fed by a ConsoleReporter, the server on
 * the topology's console address. Used by `play` (acts go to the game session), by `gameday
 * --console` and by `replay` (they only watch: every act is refused with the reason).
 */
import { randomBytes } from 'node:crypto';
import type { Topology } from '../topology/topology.ts';
import { component } from '../topology/topology.ts';
import { renderConsolePage } from './page.ts';
import { ConsoleReporter } from './reporter.ts';
import { startConsoleServer, type StartedConsole } from './server.ts';
import { consoleCharts } from './view.ts';

export interface OpenConsoleOptions {
  readonly topology: Topology;
  readonly title: string;
  readonly blind: boolean;
  /** --port: default the topology's console port; 0: any free port. */
  readonly port?: number;
  readonly act: (body: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;
  readonly state: () => Record<string, unknown>;
  readonly watchOnly?: string;
}

export interface OpenConsole {
  readonly reporter: ConsoleReporter;
  readonly server: StartedConsole;
  readonly secret: string;
}

export async function openConsole(o: OpenConsoleOptions): Promise<OpenConsole> {
  const secret = randomBytes(18).toString('base64url');
  const dns = component(o.topology, 'coredns');
  const reporter = new ConsoleReporter({ blind: o.blind, dnsName: o.topology.dynamodbName });
  const charts = consoleCharts(o.blind, o.topology.dynamodbName);
  const page = renderConsolePage({
    title: o.title,
    secret,
    blind: o.blind,
    charts,
    dig: `dig @${dns.address} -p ${dns.port} ${o.topology.dynamodbName} A`,
    ...(o.watchOnly ? { watchOnly: o.watchOnly } : {}),
  });
  const server = await startConsoleServer({
    address: o.topology.harness.console.address,
    port: o.port ?? o.topology.harness.console.port,
    secret,
    page: () => page,
    stream: reporter.stream,
    act: o.act,
    state: o.state,
  });
  return { reporter, server, secret };
}

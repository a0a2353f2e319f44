import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { UserError } from '../core/errors.ts';
import { sleep } from './proc.ts';
import type { ReadyProbe } from './runtimes/runtime.ts';
import { ToxiproxyClient } from './toxiproxy-client.ts';

function redisPing(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

async function httpOk(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Prometheus is ready and scrapes: an alert can only fire once its targets are discovered. */
async function prometheusScraping(url: string, timeoutMs: number): Promise<boolean> {
  if (!(await httpOk(`${url}/-/ready`, timeoutMs))) return false;
  try {
    const res = await request(`${url}/api/v1/targets?state=active`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const body = (await res.body.json()) as { data?: { activeTargets?: unknown[] } };
    return (body.data?.activeTargets?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

/** One readiness check: true when the component answers as ready. */
export function probe(p: ReadyProbe, timeoutMs = 1000): Promise<boolean> {
  switch (p.kind) {
    case 'redis':
      return redisPing(p.address, p.port, timeoutMs);
    case 'http':
      return httpOk(p.url, timeoutMs);
    case 'toxiproxy':
      return new ToxiproxyClient(p.url).version().then(
        () => true,
        () => false,
      );
    case 'prometheus':
      return prometheusScraping(p.url, timeoutMs);
  }
}

/** For a log saying EADDRINUSE: who listens on that address now (ss), or that nothing does any more. */
function portHolder(log: string): string {
  const m = /EADDRINUSE[^0-9]*(\d+\.\d+\.\d+\.\d+):(\d+)/.exec(log);
  if (!m) return '';
  const r = spawnSync('ss', ['-Hltnup', 'src', `${m[1]}:${m[2]}`], { encoding: 'utf8', timeout: 5000 });
  const held = (r.stdout ?? '').trim().replace(/\s+/g, ' ');
  return held ? ` [${m[1]}:${m[2]} is held by: ${held}]` : ` [nothing listens on ${m[1]}:${m[2]} now: it was taken only for a moment]`;
}

export function lastLines(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-n).join(' | ');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls a component's readiness probe until it passes. Fails early, with the tail of the
 * component's log, when the process dies; fails after `timeoutMs` otherwise.
 */
export async function waitReady(
  name: string,
  p: ReadyProbe,
  opts: { timeoutMs: number; isAlive: () => Promise<boolean>; logFile: string; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.signal?.throwIfAborted();
    if (await probe(p, 500)) return;
    if (!(await opts.isAlive())) {
      throw new UserError(`${name} exited while starting: ${lastLines(opts.logFile, 3)}${portHolder(lastLines(opts.logFile, 30))} (full log: ${opts.logFile})`);
    }
    if (Date.now() > deadline) {
      throw new UserError(`${name} was not ready within ${opts.timeoutMs} ms: ${lastLines(opts.logFile, 3)} (full log: ${opts.logFile})`);
    }
    await sleep(20);
  }
}

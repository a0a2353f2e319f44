/**
 * The console's HTTP surface, on node:http, bound to 127.0.0.1 only:
 *
 *   GET  /?k=SECRET        the page
 *   GET  /events?k=SECRET  the message stream (Server-Sent Events; Last-Event-ID resumes)
 *   GET  /api/state?k=…    the game's phase, as JSON
 *   POST /api/act          an act, JSON {act, by, …settings}, with header x-outage-lab-secret
 *
 * Every request must name this console as its Host (a page on another name that resolves here —
 * DNS rebinding — gets 403) and carry the game's secret (403 without it). A POST must come from
 * the console's own origin (another page in the same browser cannot press its buttons: 403) as
 * application/json (415) of at most 64 KiB (413) that parses (400); what the body asks for is the
 * session's to judge (400 naming the field, 409 when the game cannot take it now). Nothing a
 * refused request asks for reaches the lab.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { UserError } from '../core/errors.ts';
import type { ConsoleStream } from './stream.ts';

export const SECRET_HEADER = 'x-outage-lab-secret';
const MAX_BODY = 64 * 1024;

export interface ConsoleServerOptions {
  /** 127.0.0.1 (the topology's harness.console); the port may be 0 (any free one). */
  readonly address: string;
  readonly port: number;
  readonly secret: string;
  readonly page: () => string;
  readonly stream: ConsoleStream;
  readonly act: (body: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;
  readonly state: () => Record<string, unknown>;
}

export interface StartedConsole {
  /** The page's address with the secret, to open in a browser. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}


const json = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' });
  res.end(payload);
};

function sameSecret(given: string | null | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

class BodyTooLarge extends Error {}

export async function startConsoleServer(o: ConsoleServerOptions): Promise<StartedConsole> {
  if (!/^127\.\d+\.\d+\.\d+$/.test(o.address)) throw new Error(`the console serves loopback only, not ${o.address}`);
  let origin = '';
  let host = '';
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.host !== host) return json(res, 403, { error: `Host ${req.headers.host ?? '(none)'} is not this console's (${host})` });
    const url = new URL(req.url ?? '/', origin);
    const route = `${req.method} ${url.pathname}`;
    const known = ['GET /', 'GET /events', 'GET /api/state', 'POST /api/act'];
    if (!known.includes(route)) {
      const path = known.some((k) => k.endsWith(` ${url.pathname}`));
      return json(res, path ? 405 : 404, { error: path ? `${req.method} is not allowed on ${url.pathname}` : `no such page: ${url.pathname}` });
    }
    const given = req.method === 'POST' ? (req.headers[SECRET_HEADER] as string | undefined) : url.searchParams.get('k');
    if (!sameSecret(given, o.secret)) {
      return json(res, 403, { error: req.method === 'POST' ? `missing or wrong game secret (header ${SECRET_HEADER})` : 'missing or wrong game secret: open the URL the game printed (…/?k=<secret>)' });
    }
    if (route === 'GET /') {
      const page = o.page();
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(page),
        'cache-control': 'no-store',
        // Nothing but this console: the page's own inline code, its stream and its POSTs.
        'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      });
      return res.end(page);
    }
    if (route === 'GET /events') return o.stream.subscribe(res, req.headers['last-event-id'] as string | undefined);
    if (route === 'GET /api/state') return json(res, 200, o.state());
    // POST /api/act
    if (req.headers.origin !== origin) return json(res, 403, { error: `a POST must come from this console's own page (Origin ${req.headers.origin ?? '(none)'} is not ${origin})` });
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return json(res, 415, { error: `content-type must be application/json (got ${type || 'none'})` });
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return json(res, 413, { error: `body over ${MAX_BODY} bytes` });
      throw err;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return json(res, 400, { error: `body is not valid JSON: ${(err as Error).message}` });
    }
    const r = await o.act(body);
    return json(res, r.status, r.body);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { error: err.message });
      else res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new UserError(`the console's port ${o.address}:${o.port} is taken: choose another with --port N (0: any free port)`) : err),
    );
    server.listen(o.port, o.address, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  host = `${o.address}:${port}`;
  origin = `http://${host}`;
  return {
    url: `${origin}/?k=${o.secret}`,
    origin,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        o.stream.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A small JSON-over-HTTP server on node:http for the stand-ins: exact routes, bodies validated
 * with zod (errors name the field), /health and /metrics on every server. node:http rather than a
 * framework because the DynamoDB stand-in's capacity model must decide exactly when a request
 * is queued, served or dropped.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { z } from 'zod';

export interface JsonResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly params: string[];
  readonly body: unknown;
  /** Epoch ms at which the request was fully read. */
  readonly receivedAt: number;
}

export interface Route {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly path: RegExp;
  readonly handler: (ctx: RouteContext) => Promise<JsonResponse> | JsonResponse;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1 << 20;

/** Validates a body against a schema, or throws a 400 that names each bad field and what it needs. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  throw new HttpError(400, `invalid request body — ${issues.join('; ')}`);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, r: JsonResponse): void {
  if (res.writableEnded || res.destroyed) return;
  const payload = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  res.writeHead(r.status, {
    'content-type': typeof r.body === 'string' ? 'text/plain; version=0.0.4' : 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...r.headers,
  });
  res.end(payload);
}

/** A handler that speaks a protocol of its own (DynamoDB's JSON 1.0); true when it took the request. */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createJsonServer(opts: { name: string; routes: readonly Route[]; registry: Registry; onError?: (err: Error) => void; raw?: RawHandler }): Server {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/health') return send(res, { status: 200, body: { ok: true, service: opts.name } });
      if (req.method === 'GET' && url.pathname === '/metrics') {
        return send(res, { status: 200, body: await opts.registry.metrics() });
      }
      if (opts.raw?.(req, res)) return;
      let methodMismatch = false;
      for (const route of opts.routes) {
        const m = route.path.exec(url.pathname);
        if (!m) continue;
        if (route.method !== req.method) {
          methodMismatch = true;
          continue;
        }
        const body = req.method === 'GET' || req.method === 'DELETE' ? undefined : await readBody(req);
        const params = m.slice(1).map((p) => decodeURIComponent(p ?? ''));
        const out = await route.handler({ req, params, body, receivedAt: performance.timeOrigin + performance.now() });
        return send(res, out);
      }
      send(res, methodMismatch ? { status: 405, body: { error: `method ${req.method} not allowed on ${url.pathname}` } } : { status: 404, body: { error: `no route ${req.method} ${url.pathname}` } });
    } catch (err) {
      if (err instanceof HttpError) return send(res, { status: err.status, body: { error: err.message, ...err.extra } });
      opts.onError?.(err as Error);
      send(res, { status: 500, body: { error: (err as Error).message } });
    }
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  return server;
}

export function listen(server: Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

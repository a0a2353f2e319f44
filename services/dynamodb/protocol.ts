/**
 * DynamoDB's JSON 1.0 protocol over HTTP: `POST /` with `X-Amz-Target: DynamoDB_20120810.<Op>`,
 * a SigV4 Authorization header (its form and access key checked, not its signature: the lab's
 * credentials are fixed), content type `application/x-amz-json-1.0`, a JSON object body; answers
 * and errors in DynamoDB's shapes. What cannot be parsed gets SerializationException, an unknown
 * target UnknownOperationException, a bad request ValidationException — never a crash.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DATA_OPERATIONS, OPERATIONS, type ApiContext, type Capacity, type Operation } from './api.ts';
import type { Deadline } from './capacity.ts';
import { DEADLINE_HEADER } from '../common/client-deadline.ts';
import { DynamoError } from './errors.ts';
import type { Tables } from './tables.ts';

const TARGET_PREFIX = 'DynamoDB_20120810.';
const MAX_BODY = 16 * 1024 * 1024;
const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/[^/]+\/dynamodb\/aws4_request, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]{64}$/;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(payload), 'x-amzn-requestid': `ol-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}` });
  res.end(payload);
}

export interface ProtocolOptions {
  readonly tables: Tables;
  readonly region: string;
  readonly accessKeyId: string;
  /** The capacity model for one request, told when its client hung up. */
  /** The capacity for one request: its deadline, and who signed it (the lab's own calls skip a provisioned table's buckets). */
  capacityFor(deadline: Deadline, client: string): Capacity;
  /** The control plane's rate limit: false refuses with ThrottlingException. */
  takeControlToken(): boolean;
  /** Every answer, by operation and result (ok or the error's name), and who called: `lab`, or a user's service by name. */
  onCall?(operation: string, result: string, client: string): void;
  /** A signed request arrived from this client (before it is queued or served). */
  onArrival?(client: string): void;
  /** An error that is not DynamoDB's answer (a bug or Redis failing): logged, answered InternalServerError. */
  onUnexpected?(err: Error, operation: string): void;
  /** A user's service's connection older than this is closed after its answer (see the model setting). */
  readonly serviceConnectionMaxAgeMs?: number;
  /** The operations served (default: all of api.ts; a test may swap one). */
  readonly operations?: Readonly<Record<string, Operation>>;
}

/**
 * Who signed the request: `lab` for the lab's key, the service's name for `<lab key>.<service>`
 * (each user's service signs with its own, so its calls are counted apart); an error otherwise.
 */
function caller(req: IncomingMessage, accessKeyId: string): string | DynamoError {
  const auth = req.headers.authorization;
  const m = auth ? AUTH.exec(auth) : null;
  if (!m) return DynamoError.missingAuth();
  if (m[1] === accessKeyId) return 'lab';
  const service = m[1]!.startsWith(`${accessKeyId}.`) ? m[1]!.slice(accessKeyId.length + 1) : '';
  return /^[a-z][a-z0-9-]{0,39}$/.test(service) ? service : DynamoError.unrecognizedClient();
}

/** Serves one request of the protocol (the caller routes POSTs here). */
export function protocolHandler(o: ProtocolOptions): (req: IncomingMessage, res: ServerResponse, now: () => number) => Promise<void> {
  const operations = o.operations ?? OPERATIONS;
  const opened = new WeakMap<object, number>();
  return async (req, res, now) => {
    if (!opened.has(req.socket)) opened.set(req.socket, now());
    // When the client hangs up before the answer (the SDK at its timeout): its deadline.
    let hungUpAt: number | undefined;
    res.on('close', () => {
      if (!res.writableFinished) hungUpAt = now();
    });
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    let client = 'unknown';
    const fail = (e: DynamoError) => {
      o.onCall?.(op || 'unknown', e.code, client);
      sendJson(res, e.status, e.body());
    };
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_BODY) return fail(DynamoError.validation('Request size exceeded 16 MB'));
      chunks.push(c);
    }
    const who = caller(req, o.accessKeyId);
    if (who instanceof DynamoError) return fail(who);
    client = who;
    o.onArrival?.(client);
    if (client !== 'lab' && o.serviceConnectionMaxAgeMs !== undefined && now() - opened.get(req.socket)! > o.serviceConnectionMaxAgeMs) res.shouldKeepAlive = false;
    const operation = Object.hasOwn(operations, op) ? operations[op] : undefined;
    if (!operation) return fail(DynamoError.unknownOperation(target || '(no X-Amz-Target)'));
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/x-amz-json-1.0') return fail(DynamoError.serialization(`Expected content type application/x-amz-json-1.0 (got ${type || 'none'})`));
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch (err) {
      return fail(DynamoError.serialization(`Request body is not valid JSON: ${(err as Error).message}`));
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(DynamoError.serialization('Request body must be a JSON object'));
    if (!DATA_OPERATIONS.has(op) && !o.takeControlToken()) return fail(DynamoError.throttling(op));
    // A client that stops waiting without hanging up (the lab's own loops) says when, so the
    // server can count — or, with dropExpired, drop — the work nobody waits for.
    const said = req.headers[DEADLINE_HEADER];
    const statedDeadline = said === undefined ? undefined : Number(said);
    if (statedDeadline !== undefined && !Number.isFinite(statedDeadline)) return fail(DynamoError.validation(`${DEADLINE_HEADER} must be epoch milliseconds (got "${String(said)}")`));
    const deadline = () => (hungUpAt === undefined ? statedDeadline : statedDeadline === undefined ? hungUpAt : Math.min(hungUpAt, statedDeadline));
    const api: ApiContext = { tables: o.tables, capacity: o.capacityFor(deadline, client), region: o.region };
    try {
      const out = await operation(body as Record<string, unknown>, api);
      o.onCall?.(op, 'ok', client);
      sendJson(res, 200, out);
    } catch (err) {
      if (err instanceof DynamoError) return fail(err);
      o.onUnexpected?.(err as Error, op);
      fail(DynamoError.internal((err as Error).message));
    }
  };
}

/** A capacity with no limit: every request served at once (tests of the protocol alone). */
export const UNLIMITED: Capacity = { room: () => Infinity, serve: (_table, _kind, _cost, work) => work() };

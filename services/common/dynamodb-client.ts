/**
 * Every DynamoDB client of the lab is the AWS SDK (@aws-sdk/client-dynamodb, with the Document
 * client's marshalling), pointed at the regional endpoint's name: its HTTP handler resolves that
 * name through the lab's CoreDNS on every request (answers cached for their TTL, spread over the
 * addresses the record lists, so every request crosses a Toxiproxy fault point), so an empty
 * record breaks it as it broke DWFM. The SDK's own settings — retry mode, attempts,
 * timeouts, sockets — come from the caller: the lab's strategies run the SDK with no retries of
 * its own and a fixed timeout (their loop retries), the `sdk-*` arms with the SDK's modes.
 *
 * Two timeouts, as in life: the SDK's request timeout aborts the request and destroys its
 * connection (the server sees the hang-up; the request it had queued is still served, wasted,
 * unless the server drops work whose client has gone, and the socket is free for the next
 * request at once); the caller's own timeout (`call(…, timeoutMs)`, DWFM's loop and the
 * customers) only stops waiting: the request keeps its socket until answered, its answer
 * discarded, so the sockets bound what a client can leave queued on the server.
 */
import { Agent } from 'node:http';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StandardRetryStrategy } from '@smithy/util-retry';
import * as pre2026 from 'smithy-core-pre-2026/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DnsAnswer } from '../../dns/resolve.ts';
import type { TtlDnsCache } from '../../dns/ttl-cache.ts';
import { DEADLINE_HEADER } from './client-deadline.ts';

// The pinned SDK runs on Node 20; its notice that later releases will need Node 22 is not the lab's news.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export type CallError = 'dns-empty' | 'dns-nxdomain' | 'dns-error' | 'timeout' | 'connect' | 'throttled' | 'dropped' | 'server-error';

/**
 * A call's answer; `attempts` is how many of its HTTP requests went out on the wire (the SDK's own
 * retries included; attempts that failed at DNS or were refused never left, and are not counted).
 */
export type CallOutcome =
  | { readonly ok: true; readonly status: number; readonly body: unknown; readonly latencyMs: number; readonly attempts?: number }
  | { readonly ok: false; readonly error: CallError; readonly status?: number; readonly detail: string; readonly latencyMs: number; readonly attempts?: number };

/** The AWS SDK's behaviour as the lab configures it (null: the SDK's default). */
export interface SdkSettings {
  /** none: the SDK does not retry (maxAttempts 1; the caller's loop does); standard / adaptive: the SDK's modes; legacy: SDK v2's DynamoDB retries (10 retries, 50 ms × 2ⁿ full jitter, no quota). */
  readonly retryMode: 'none' | 'standard' | 'adaptive' | 'legacy';
  /**
   * The rules standard and adaptive follow (absent: 2026). 2026: the SDK as installed (@smithy/core
   * 3.41, whose DynamoDB client defaults to 4 attempts from a 25 ms base; a transient retry costs 14
   * quota tokens, a throttled one 5 after a 1 s base). pre-2026: the same modes from @smithy/core
   * 3.39.0 (the npm alias smithy-core-pre-2026), the last release whose rules were the old ones
   * unless SMITHY_NEW_RETRIES_2026=true: 3 attempts from 100 ms, a timeout or network retry 10
   * tokens, any other 5, throttling from 500 ms.
   */
  readonly retryRules?: '2026' | 'pre-2026';
  readonly maxAttempts: number | null;
  /** The SDK's request timeout (null: none, its default). */
  readonly requestTimeoutMs: number | null;
  readonly connectionTimeoutMs: number | null;
  /** Sockets to DynamoDB (null: the SDK's default agent's 50). */
  readonly maxSockets: number | null;
}

export const LAB_CREDENTIALS = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'outage-lab-secret' });

export interface DynamoClientOptions {
  /** The endpoint's name (resolved through `dns`) or an address (then `dns` is not used). */
  readonly name: string;
  readonly port: number;
  readonly dns?: TtlDnsCache;
  readonly sdk: SdkSettings;
  readonly accessKeyId?: string;
}

/**
 * The error a lookup that gave no address becomes: as Node's own lookup says it (getaddrinfo's
 * EAI_NODATA and EAI_NONAME are both ENOTFOUND), so the SDK treats an empty record as the network
 * error it is and retries it; what the lab saw is kept apart for the lab's own classification.
 */
function noAddress(a: DnsAnswer, hostname: string): Error | undefined {
  if (a.outcome === 'ok' && a.addresses.length) return undefined;
  const seen: CallError = a.outcome === 'empty' || a.outcome === 'ok' ? 'dns-empty' : a.outcome === 'nxdomain' ? 'dns-nxdomain' : 'dns-error';
  const code = seen === 'dns-error' ? (a.code ?? 'ESERVFAIL') : 'ENOTFOUND';
  return Object.assign(new Error(`getaddrinfo ${code} ${hostname} (${seen})`), { code, hostname, labDns: seen });
}

/**
 * The SDK's HTTP handler, resolving the endpoint's name through the lab's CoreDNS on every
 * request (answers cached for their TTL, as the lab's clients always have) and sending each to
 * one of the record's addresses in turn, over connections kept alive per address. A client that
 * pinned its connections would not see the empty record until a connection closed; this one sees
 * it within the record's 1 s TTL, as DWFM did.
 */
class LabDnsHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private next = 0;
  constructor(
    private readonly inner: NodeHttpHandler,
    private readonly dns: TtlDnsCache,
  ) {}

  async handle(request: { hostname: string }, options?: Parameters<NodeHttpHandler['handle']>[1]): ReturnType<NodeHttpHandler['handle']> {
    const a = await this.dns.resolve(request.hostname).catch((err: Error) => ({ outcome: 'error' as const, addresses: [] as string[], code: (err as NodeJS.ErrnoException).code ?? 'ESERVFAIL' }));
    const failed = noAddress(a, request.hostname);
    if (failed) throw failed;
    const address = a.addresses[this.next++ % a.addresses.length]!;
    // A copy: the SDK sends the same request again on a retry, which must resolve again.
    return this.inner.handle({ ...request, hostname: address } as never, options);
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs() {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.inner.destroy();
  }
}

/** Failures before a request left the client: it never reached DynamoDB. */
export const NOT_ON_WIRE: ReadonlySet<CallError> = new Set(['dns-empty', 'dns-nxdomain', 'dns-error', 'connect']);

const DNS_CODES: Record<string, CallError> = { ENOTFOUND: 'dns-nxdomain', ESERVFAIL: 'dns-error', ETIMEOUT: 'dns-error', EREFUSED: 'dns-error' };

/** What went wrong with a call, in the lab's words. */
export function classify(err: unknown): { error: CallError; status?: number; detail: string } {
  const e = err as { name?: string; code?: string; message?: string; labDns?: CallError; $metadata?: { httpStatusCode?: number }; cause?: { code?: string; labDns?: CallError } };
  const code = e.code ?? e.cause?.code;
  const status = e.$metadata?.httpStatusCode;
  const detail = `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
  const dns = e.labDns ?? e.cause?.labDns;
  if (dns) return { error: dns, detail };
  if (code && DNS_CODES[code]) return { error: DNS_CODES[code]!, detail };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'ETIMEDOUT' || /timed? ?out/i.test(e.message ?? '')) return { error: 'timeout', detail };
  if (e.name === 'ProvisionedThroughputExceededException' || e.name === 'ThrottlingException') return { error: 'throttled', ...(status ? { status } : {}), detail };
  if (e.name === 'InternalServerError' && /dropped/.test(e.message ?? '')) return { error: 'dropped', ...(status ? { status } : {}), detail };
  if (code && /^(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ECONNABORTED)$/.test(code)) return { error: 'connect', detail };
  return { error: 'server-error', ...(status ? { status } : {}), detail };
}

/**
 * The `legacy` retry mode as SDK v2 shipped it for DynamoDB (v3 has only standard and adaptive;
 * the AWS config's `retry_mode = legacy` names this): up to 10 retries of any retryable error
 * (throttling, 5xx, timeouts, network errors — the SDK's own classification), each after a full
 * jitter delay of random × 50 ms × 2ⁿ with no cap, and no retry quota: nothing stops a client
 * from retrying every call ten times while the server drowns.
 */
export class LegacyRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'legacy';
  constructor(private readonly maxAttemptsTotal: number) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return legacyToken(0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount();
    const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT' || info.errorType === 'SERVER_ERROR';
    if (!retryable || retries + 1 >= this.maxAttemptsTotal) throw new Error('No retry token available');
    return legacyToken(retries + 1, Math.random() * 50 * 2 ** retries);
  }

  recordSuccess(): void {}
}

const legacyToken = (retries: number, delay = 0): StandardRetryToken =>
  ({ getRetryCount: () => retries, getRetryDelay: () => delay, getRetryTokenCount: () => undefined, hasRetryTokens: () => true, releaseRetryTokens: () => 0 }) as unknown as StandardRetryToken;

/** Attempts per call when the caller does not say: the installed DynamoDB client's and the pre-2026 one's. */
export const DEFAULT_ATTEMPTS = 4;
export const PRE_2026_ATTEMPTS = 3;

function retryConfig(s: SdkSettings): Pick<DynamoDBClientConfig, 'maxAttempts' | 'retryMode' | 'retryStrategy'> {
  switch (s.retryMode) {
    case 'none':
      return { maxAttempts: 1 };
    case 'legacy':
      return { retryStrategy: new LegacyRetryStrategy(s.maxAttempts ?? 11) };
    default: {
      if (s.retryRules !== 'pre-2026') return { retryMode: s.retryMode, ...(s.maxAttempts !== null ? { maxAttempts: s.maxAttempts } : {}) };
      // The pre-2026 client asked for no DynamoDB-specific defaults: 3 attempts, Retry.delay()'s 100 ms.
      const maxAttempts = s.maxAttempts ?? PRE_2026_ATTEMPTS;
      return { retryStrategy: s.retryMode === 'adaptive' ? new pre2026.AdaptiveRetryStrategy(maxAttempts, {}) : new pre2026.StandardRetryStrategy({ maxAttempts }) };
    }
  }
}

export class DynamoClient {
  private readonly agent: Agent | undefined;
  readonly sdk: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** Calls sent. */
  sent = 0;
  /** Answers that came after the caller had stopped waiting (its own timeout; the SDK's aborts instead). */
  lateAnswers = 0;
  /** HTTP requests of those calls that went out on the wire (the SDK's retries included). */
  attempts = 0;

  constructor(private readonly opts: DynamoClientOptions) {
    const s = opts.sdk;
    // The SDK's default agent keeps 50 sockets; ours pools them per address, 50 in all.
    const sockets = s.maxSockets ?? 50;
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxTotalSockets: sockets });
    const handler = new NodeHttpHandler({
      httpAgent: this.agent,
      // A request past its timeout fails (TimeoutError) and its connection is destroyed.
      ...(s.requestTimeoutMs !== null ? { requestTimeout: s.requestTimeoutMs, throwOnRequestTimeout: true } : {}),
      ...(s.connectionTimeoutMs !== null ? { connectionTimeout: s.connectionTimeoutMs } : {}),
    });
    this.sdk = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://${opts.name}:${opts.port}`,
      credentials: LAB_CREDENTIALS(opts.accessKeyId ?? 'outage-lab'),
      requestHandler: opts.dns ? (new LabDnsHandler(handler, opts.dns) as unknown as NodeHttpHandler) : handler,
      ...retryConfig(s),
    });
    this.doc = DynamoDBDocumentClient.from(this.sdk, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Runs one SDK command, as the lab counts it. `timeoutMs` (if any) is the caller's own timeout:
   * past it the call fails as `timeout` while its request stays on the wire (see the top of the
   * file); the SDK's own request timeout, if set, aborts as the SDK does.
   */
  async call(command: object, timeoutMs?: number): Promise<CallOutcome> {
    const started = performance.now();
    this.sent++;
    // With no SDK retries, a call to a name whose fresh cached answer has no address fails in the
    // handler before anything is sent, whatever the request: fail it here the same way, without
    // marshalling and signing it first (a herd probing an empty record every 100 ms would
    // otherwise spend a core on requests that cannot leave). The SDK's modes retry such an error
    // with backoff and spend their quota on it, so they always go through the SDK.
    const cached = this.opts.sdk.retryMode === 'none' ? this.opts.dns?.peek(this.opts.name) : undefined;
    const unsendable = cached && noAddress(cached, this.opts.name);
    if (unsendable) return { ok: false, ...classify(unsendable), latencyMs: performance.now() - started, attempts: 0 };
    // Counted below the SDK's retries: every attempt of this call that went out on the wire.
    let onWire = 0;
    // The Document client's command runs its stack inside the low-level command's, so this
    // middleware sits there twice: only the outer one counts.
    let inside = false;
    const stack = (command as { middlewareStack: { add(m: unknown, o: object): void } }).middlewareStack;
    stack.add(
      (next: (a: unknown) => Promise<unknown>) => async (args: unknown) => {
        if (inside) return next(args);
        inside = true;
        try {
          const r = await next(args);
          onWire++;
          return r;
        } catch (err) {
          if (!NOT_ON_WIRE.has(classify(err).error)) onWire++;
          throw err;
        } finally {
          inside = false;
        }
      },
      { step: 'deserialize' },
    );
    if (timeoutMs) {
      // The lab's instrumentation, not DynamoDB's: the server learns when this caller stops
      // waiting, to count (or with dropExpired, drop) what it serves after that.
      const deadline = String(Date.now() + timeoutMs);
      stack.add(
        (next: (a: { request: { headers: Record<string, string> } }) => Promise<unknown>) => (args: { request: { headers: Record<string, string> } }) => {
          args.request.headers[DEADLINE_HEADER] = deadline;
          return next(args);
        },
        { step: 'build' },
      );
    }
    const answer: Promise<CallOutcome> = this.doc.send(command as never).then(
      (out) => ({ ok: true as const, status: (out as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 200, body: out, latencyMs: performance.now() - started, attempts: onWire }),
      (err: unknown) => ({ ok: false as const, ...classify(err), latencyMs: performance.now() - started, attempts: onWire }),
    );
    if (!timeoutMs) {
      const out = await answer;
      this.attempts += onWire;
      return out;
    }
    // The caller's own timeout stops waiting; it does not abort. The request stays on its socket
    // and is still served, its late answer discarded (docs/design.md §3: an abandoned request is wasted work,
    // and the sockets it holds are what bounds the work a client can leave queued).
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const first = await Promise.race([answer, gaveUp]);
    if (first !== 'timeout') {
      clearTimeout(timer);
      this.attempts += onWire;
      return first;
    }
    void answer.then(() => {
      this.lateAnswers++;
      this.attempts += onWire;
    });
    return { ok: false, error: 'timeout', detail: `no answer within ${timeoutMs} ms (the request stays on the wire)`, latencyMs: performance.now() - started, attempts: 1 };
  }


  get(table: string, key: string, timeoutMs?: number): Promise<CallOutcome> {
    return this.call(new GetCommand({ TableName: table, Key: { pk: key } }), timeoutMs);
  }

  put(table: string, key: string, value: Record<string, unknown>, timeoutMs?: number): Promise<CallOutcome> {
    return this.call(new PutCommand({ TableName: table, Item: { pk: key, ...value } }), timeoutMs);
  }

  /**
   * Writes up to 25 items in one BatchWriteItem (each costs one unit of the server's capacity).
   * Items the server left unprocessed make the call a failure (the caller sends them all again).
   */
  async batch(table: string, items: readonly { key: string; value: Record<string, unknown> }[], timeoutMs?: number): Promise<CallOutcome> {
    const out = await this.call(new BatchWriteCommand({ RequestItems: { [table]: items.map((it) => ({ PutRequest: { Item: { pk: it.key, ...it.value } } })) } }), timeoutMs);
    if (!out.ok) return out;
    const left = (out.body as { UnprocessedItems?: Record<string, unknown[]> }).UnprocessedItems?.[table]?.length ?? 0;
    return left ? { ok: false, error: 'throttled', status: 200, detail: `${left} of ${items.length} items unprocessed`, latencyMs: out.latencyMs } : out;
  }

  /** The standard and adaptive modes' retry quota (tokens left of 500), or null in the modes without one. */
  async retryQuota(): Promise<number | null> {
    const strategy = (await this.sdk.config.retryStrategy()) as { getCapacity?: () => number; standardRetryStrategy?: StandardRetryStrategy };
    const standard = strategy.standardRetryStrategy ?? strategy;
    return this.opts.sdk.retryMode === 'standard' || this.opts.sdk.retryMode === 'adaptive' ? ((standard as { getCapacity?: () => number }).getCapacity?.() ?? null) : null;
  }

  async close(): Promise<void> {
    this.sdk.destroy();
    this.agent?.destroy();
  }

  /** Drops every connection at once (in-flight calls fail). */
  async destroy(): Promise<void> {
    this.agent?.destroy();
    this.sdk.destroy();
  }
}

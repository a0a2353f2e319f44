/**
 * Every DynamoDB client of the lab is the AWS SDK (@aws-sdk/client-dynamodb, with the Document
 * client's marshalling), pointed at the regional endpoint's name: its HTTP agent resolves that
 * name through the lab's CoreDNS on every new connection (answers cached for their TTL, spread
 * over the addresses the record lists, so every connection crosses a Toxiproxy fault point), so
 * an empty record breaks it as it broke DWFM. The SDK's own settings — retry mode, attempts,
 * timeouts, sockets — come from the caller: the lab's strategies run the SDK with no retries of
 * its own and a fixed timeout (their loop retries), the `sdk-*` arms with the SDK's modes.
 *
 * A call that reaches its timeout is aborted by the SDK, which destroys its connection: the
 * server sees the hang-up, and the request it had queued is still served (wasted) unless the
 * server drops work whose client has gone.
 */
import { Agent } from 'node:http';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TtlDnsCache } from '../../dns/ttl-cache.ts';

// The pinned SDK runs on Node 20; its notice that later releases will need Node 22 is not the lab's news.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export type CallError = 'dns-empty' | 'dns-nxdomain' | 'dns-error' | 'timeout' | 'connect' | 'throttled' | 'dropped' | 'server-error';

export type CallOutcome =
  | { readonly ok: true; readonly status: number; readonly body: unknown; readonly latencyMs: number }
  | { readonly ok: false; readonly error: CallError; readonly status?: number; readonly detail: string; readonly latencyMs: number };

/** The AWS SDK's behaviour as the lab configures it (null: the SDK's default). */
export interface SdkSettings {
  /** none: the SDK does not retry (maxAttempts 1; the caller's loop does); standard / adaptive: the SDK's modes; legacy: v2's DynamoDB defaults (10 retries, 50 ms × 2ⁿ full jitter). */
  readonly retryMode: 'none' | 'standard' | 'adaptive' | 'legacy';
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

/** A Node lookup() answering from the lab's CoreDNS, spreading connections over the record's addresses. */
function labLookup(dns: TtlDnsCache) {
  let next = 0;
  return (hostname: string, options: LookupOptions, cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dns.resolve(hostname).then(
      (a) => {
        if (a.outcome !== 'ok' || !a.addresses.length) {
          const code = a.outcome === 'empty' ? 'ENODATA' : a.outcome === 'nxdomain' ? 'ENOTFOUND' : a.code ?? 'ESERVFAIL';
          const err = Object.assign(new Error(`${hostname}: ${code}`), { code, hostname }) as NodeJS.ErrnoException;
          return cb(err, '', 4);
        }
        const address = a.addresses[next++ % a.addresses.length]!;
        if (options.all) cb(null, [{ address, family: 4 }]);
        else cb(null, address, 4);
      },
      (err: Error) => cb(Object.assign(err, { code: 'ESERVFAIL' }) as NodeJS.ErrnoException, '', 4),
    );
  };
}

const DNS_CODES: Record<string, CallError> = { ENODATA: 'dns-empty', ENOTFOUND: 'dns-nxdomain', ESERVFAIL: 'dns-error', ETIMEOUT: 'dns-error', EREFUSED: 'dns-error' };

/** What went wrong with a call, in the lab's words. */
export function classify(err: unknown): { error: CallError; status?: number; detail: string } {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  const status = e.$metadata?.httpStatusCode;
  const detail = `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
  if (code && DNS_CODES[code]) return { error: DNS_CODES[code]!, detail };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || code === 'ETIMEDOUT' || /timed? ?out/i.test(e.message ?? '')) return { error: 'timeout', detail };
  if (e.name === 'ProvisionedThroughputExceededException' || e.name === 'ThrottlingException') return { error: 'throttled', ...(status ? { status } : {}), detail };
  if (e.name === 'InternalServerError' && /dropped/.test(e.message ?? '')) return { error: 'dropped', ...(status ? { status } : {}), detail };
  if (code && /^(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ECONNABORTED)$/.test(code)) return { error: 'connect', detail };
  return { error: 'server-error', ...(status ? { status } : {}), detail };
}

function retryConfig(s: SdkSettings): Pick<DynamoDBClientConfig, 'maxAttempts' | 'retryMode' | 'retryStrategy'> {
  switch (s.retryMode) {
    case 'none':
      return { maxAttempts: 1 };
    case 'legacy':
      // What SDK v2 did for DynamoDB (v3 ships no legacy mode): up to 10 retries, full jitter over 50 ms × 2ⁿ.
      return { retryStrategy: new ConfiguredRetryStrategy(s.maxAttempts ?? 11, (attempt: number) => Math.random() * 50 * 2 ** attempt) };
    default:
      return { retryMode: s.retryMode, ...(s.maxAttempts !== null ? { maxAttempts: s.maxAttempts } : {}) };
  }
}

export class DynamoClient {
  private readonly agent: Agent | undefined;
  readonly sdk: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** Calls sent. */
  sent = 0;
  /** Answers that came after the caller had given up (with the SDK: none — it hangs up). */
  lateAnswers = 0;

  constructor(private readonly opts: DynamoClientOptions) {
    const s = opts.sdk;
    // The SDK's default agent keeps 50 sockets; ours resolves through CoreDNS.
    this.agent = new Agent({ keepAlive: true, maxSockets: s.maxSockets ?? 50, ...(opts.dns ? { lookup: labLookup(opts.dns) as never } : {}) });
    this.sdk = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://${opts.name}:${opts.port}`,
      credentials: LAB_CREDENTIALS(opts.accessKeyId ?? 'outage-lab'),
      requestHandler: new NodeHttpHandler({
        httpAgent: this.agent,
        // A request past its timeout fails (TimeoutError) and its connection is destroyed.
        ...(s.requestTimeoutMs !== null ? { requestTimeout: s.requestTimeoutMs, throwOnRequestTimeout: true } : {}),
        ...(s.connectionTimeoutMs !== null ? { connectionTimeout: s.connectionTimeoutMs } : {}),
      }),
      ...retryConfig(s),
    });
    this.doc = DynamoDBDocumentClient.from(this.sdk, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Runs one SDK command, as the lab counts it; `timeoutMs` (if any) aborts it on top of the SDK's own timeout. */
  async call(command: object, timeoutMs?: number): Promise<CallOutcome> {
    const started = performance.now();
    this.sent++;
    try {
      const out = await this.doc.send(command as never, timeoutMs ? { abortSignal: AbortSignal.timeout(timeoutMs) } : {});
      return { ok: true, status: (out as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 200, body: out, latencyMs: performance.now() - started };
    } catch (err) {
      return { ok: false, ...classify(err), latencyMs: performance.now() - started };
    }
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

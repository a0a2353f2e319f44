/**
 * DWFM's DynamoDB client as one set of settings: the AWS SDK's (retry mode, attempts, timeouts,
 * sockets) and DWFM's own re-queue loop on top (strategy, timeout, limits). The service builds its
 * client from it; the game day names it in every arm's row, so a report says which client and
 * settings each figure came from.
 */
import sdkPackage from '@aws-sdk/client-dynamodb/package.json' with { type: 'json' };
import smithyPackage from '@smithy/core/package.json' with { type: 'json' };
import pre2026Package from 'smithy-core-pre-2026/package.json' with { type: 'json' };
import type { DwfmSettings } from '../../core/model-config.ts';
import { DEFAULT_ATTEMPTS, PRE_2026_ATTEMPTS, type SdkSettings } from '../common/dynamodb-client.ts';

export const SDK_VERSION: string = sdkPackage.version;
const SMITHY_VERSION: string = smithyPackage.version;
const PRE_2026_VERSION: string = pre2026Package.version;

/** The SDK's settings DWFM runs with: null sockets with the lab's own loop means connectionsPerAddress on each address. */
export function dwfmSdkSettings(cfg: DwfmSettings, addresses: number): SdkSettings {
  const sdkRetries = cfg.sdk.retryMode !== 'none';
  return { ...cfg.sdk, maxSockets: cfg.sdk.maxSockets ?? (sdkRetries ? null : cfg.connectionsPerAddress * addresses) };
}

export interface ClientDescription {
  /** One line for a report's row. */
  readonly line: string;
  readonly library: string;
  readonly sdk: { readonly retryMode: SdkSettings['retryMode']; readonly retryRules: '2026' | 'pre-2026' | null; readonly maxAttempts: number; readonly requestTimeoutMs: number | null; readonly connectionTimeoutMs: number | null; readonly maxSockets: number };
  readonly loop: { readonly strategy: string; readonly timeoutMs: number | null; readonly concurrency: number | 'adaptive' | null; readonly retryBudget: DwfmSettings['retryBudget'] };
}

/** What each mode does when the caller does not say (the SDK's defaults; legacy: SDK v2's for DynamoDB). */
const MODE_DEFAULTS: Record<SdkSettings['retryMode'], { attempts: number; what: string }> = {
  none: { attempts: 1, what: 'no SDK retries' },
  standard: { attempts: DEFAULT_ATTEMPTS, what: 'standard retries (quota 500)' },
  adaptive: { attempts: DEFAULT_ATTEMPTS, what: 'adaptive retries (quota 500, rate limiter on throttling)' },
  legacy: { attempts: 11, what: 'legacy retries (v2: 10, no quota)' },
};

/** The standard and adaptive modes' rules, as a row names them. */
const RULES = {
  '2026': { attempts: DEFAULT_ATTEMPTS, what: `2026 rules (@smithy/core ${SMITHY_VERSION}: 25 ms base, a retry 14 tokens, a throttled one 5 from 1 s)` },
  'pre-2026': { attempts: PRE_2026_ATTEMPTS, what: `pre-2026 rules (@smithy/core ${PRE_2026_VERSION}: 100 ms base, a timeout retry 10 tokens, any other 5, throttled from 500 ms)` },
} as const;

const secs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

export function describeDwfmClient(cfg: DwfmSettings, addresses: number): ClientDescription {
  const s = dwfmSdkSettings(cfg, addresses);
  const mode = MODE_DEFAULTS[s.retryMode];
  const rules = s.retryMode === 'standard' || s.retryMode === 'adaptive' ? (s.retryRules ?? '2026') : null;
  const maxAttempts = s.retryMode === 'none' ? 1 : (s.maxAttempts ?? (rules ? RULES[rules].attempts : mode.attempts));
  // With the SDK retrying, DWFM sets no timeout of its own: the SDK's request timeout is the one.
  const loopTimeout = s.retryMode === 'none' ? cfg.requestTimeoutMs : null;
  const timeout = s.retryMode === 'none' ? null : s.requestTimeoutMs;
  const sdk = { retryMode: s.retryMode, retryRules: rules, maxAttempts, requestTimeoutMs: timeout, connectionTimeoutMs: s.connectionTimeoutMs, maxSockets: s.maxSockets ?? 50 };
  const loop = { strategy: cfg.strategy, timeoutMs: loopTimeout, concurrency: cfg.concurrency, retryBudget: cfg.retryBudget };
  const sdkPart = [
    `${mode.what}${rules ? `, ${RULES[rules].what}` : ''}${s.retryMode !== 'none' ? `, ${maxAttempts} attempts` : ''}`,
    s.retryMode === 'none' ? `DWFM's ${secs(cfg.requestTimeoutMs)} timeout` : timeout === null ? 'no request timeout' : `${secs(timeout)} request timeout`,
    ...(s.connectionTimeoutMs !== null ? [`${secs(s.connectionTimeoutMs)} connect timeout`] : []),
    `${sdk.maxSockets} sockets`,
  ];
  const loopPart = [`${cfg.strategy} re-queue`, ...(cfg.concurrency !== null ? [`≤ ${cfg.concurrency} batches in flight`] : []), ...(cfg.retryBudget ? [`retry budget ${cfg.retryBudget.ratePerSec}/s`] : [])];
  return { line: `AWS SDK ${SDK_VERSION}: ${sdkPart.join(', ')}; DWFM: ${loopPart.join(', ')}`, library: `@aws-sdk/client-dynamodb ${SDK_VERSION}`, sdk, loop };
}

import { describe, expect, it } from 'vitest';
import { InputError } from '../../../core/errors.ts';
import type { ServiceFigures } from '../../../user-services/analysis.ts';
import { parseServiceVariant, serviceRunRow } from './service.ts';

describe('bench service', () => {
  it('reads a configuration: a name and the variables it sets', () => {
    expect(parseServiceVariant('naive:ORDERS_NAIVE_RETRY=5;AWS_MAX_ATTEMPTS=1')).toEqual({ label: 'naive', env: { ORDERS_NAIVE_RETRY: '5', AWS_MAX_ATTEMPTS: '1' } });
    expect(parseServiceVariant('standard:')).toEqual({ label: 'standard', env: {} });
    expect(parseServiceVariant('standard')).toEqual({ label: 'standard', env: {} });
  });

  it('refuses a bad configuration naming what is wrong', () => {
    expect(() => parseServiceVariant('Naive:X=1')).toThrow(InputError);
    expect(() => parseServiceVariant('naive:ORDERS_NAIVE_RETRY')).toThrow(/"ORDERS_NAIVE_RETRY" should be NAME=value/);
    expect(() => parseServiceVariant('x:AWS_ENDPOINT_URL_DYNAMODB=http://elsewhere')).toThrow(/the lab sets AWS_ENDPOINT_URL_DYNAMODB itself/);
  });

  it('takes a run’s figures from the service’s phases', () => {
    const phase = (name: string, requests: number, good: number, calls: number | null) => ({ name, fromMs: 0, toMs: 1, requests, ok: good, good, p99Ms: null, dynamodbCallsPerRequest: calls });
    const svc = {
      name: 'orders-node',
      verdict: 'metastable',
      ttrMs: null,
      metastable: true,
      phases: [phase('steady', 100, 100, 1.25), phase('empty', 300, 60, 0.2), phase('recovering', 400, 100, 3.5)],
      firstError: { request: 'list-orders', status: 503, error: 'ENOTFOUND', atMs: 1 },
    } as unknown as ServiceFigures;
    expect(serviceRunRow(2, svc, '/x')).toEqual({ seed: 2, verdict: 'metastable', ttrMs: null, metastable: true, recoveringCallsPerRequest: 3.5, recoveringGoodShare: 0.25, emptyGoodShare: 0.2, firstError: 'ENOTFOUND', firstCallMs: null, outDir: '/x' });
  });
});

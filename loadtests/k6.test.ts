import { describe, expect, it } from 'vitest';
import { parseK6Summary, parseLoadGenerator } from './k6.ts';

describe('--load k6', () => {
  it('reads k6 summary-export JSON into a summary', () => {
    // The shape `k6 run --summary-export` writes (trimmed).
    const json = {
      metrics: {
        http_reqs: { count: 1200, rate: 10.1 },
        http_req_failed: { passes: 40, fails: 1160, value: 0.0333 },
        http_req_duration: { avg: 12.3, 'p(90)': 20, 'p(95)': 31.5, max: 2001 },
        checks: { passes: 1160, fails: 40, value: 0.966 },
      },
    };
    expect(parseK6Summary('run-instances', json)).toEqual({ script: 'run-instances', requests: 1200, failedRate: 0.0333, p95Ms: 31.5, maxMs: 2001, checksPassed: 1160, checksFailed: 40 });
    expect(parseK6Summary('nlb-traffic', {})).toMatchObject({ requests: 0, failedRate: null });
  });

  it('says in one line how to get k6 when it is not on PATH', () => {
    expect(() => parseLoadGenerator('k6', { PATH: '/nonexistent' })).toThrow(/^--load k6: k6 is not on PATH; install k6 .* or drop --load to use the built-in generator$/);
    expect(() => parseLoadGenerator('wrk')).toThrow('--load wrk: expected builtin or k6');
    expect(parseLoadGenerator('builtin', { PATH: '/nonexistent' })).toBe('builtin');
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { loadServiceFile, withServiceSets } from '../service-file.ts';
import { retryPolicyOf } from './index.ts';
import { RETRY_CONFIGURATIONS, retryConfiguration } from './configurations.ts';

const example = (lang: string) => loadServiceFile(join(PROJECT_ROOT, `examples/orders-${lang}/retry-storm.yaml`));
const setsOf = (name: string, lang: string) => retryConfiguration(name)!.sets(example(lang));

describe('the retry configurations bench sdks runs', () => {
  it('each sets what its name says, and the policy in force follows', () => {
    const python = example('python');
    const policy = (name: string) => {
      const sets = retryConfiguration(name)!.sets(python);
      if ('notApplicable' in sets) throw new Error(sets.notApplicable);
      return retryPolicyOf(withServiceSets(python, sets));
    };
    expect(policy('default')).toMatchObject({ mode: 'standard', maxAttempts: 4, quota: { tokens: 500 } });
    expect(policy('adaptive')).toMatchObject({ mode: 'adaptive' });
    expect(policy('legacy')).toMatchObject({ mode: 'legacy', maxAttempts: 10, quota: null });
    expect(policy('loop')).toMatchObject({ mode: 'hand-written loop', maxAttempts: 6, quota: null });
    const noCallers = retryConfiguration('no-caller-retries')!.sets(python);
    expect(noCallers).toEqual([['service.workload.callers.retry', { mode: 'none' }]]);
    expect(withServiceSets(python, noCallers as never).workload.callers.retry).toEqual({ mode: 'none' });
  });

  it('one that does not apply says why: no legacy mode in the Node or Go SDK; callers that already do not retry', () => {
    expect(setsOf('legacy', 'node')).toEqual({ notApplicable: '@aws-sdk/client-dynamodb has no legacy mode' });
    expect(setsOf('legacy', 'go')).toMatchObject({ notApplicable: expect.stringMatching(/no legacy mode/) });
    expect(setsOf('legacy', 'java')).toEqual([['service.env.AWS_RETRY_MODE', 'legacy']]);
    const quiet = withServiceSets(example('node'), [['service.workload.callers.retry', { mode: 'none' }]]);
    expect(retryConfiguration('no-caller-retries')!.sets(quiet)).toMatchObject({ notApplicable: expect.stringMatching(/do not retry/) });
  });

  it('standard is the default where the file already selects it (the same code, not run twice), and not where it does not', () => {
    const standard = retryConfiguration('standard')!;
    for (const lang of ['node', 'python', 'go', 'java']) expect(standard.sameAs!(example(lang))).toBe('default');
    expect(standard.sameAs!(withServiceSets(example('python'), [['service.env.AWS_RETRY_MODE', 'legacy']]))).toBeNull();
  });

  it("the default before the 2026 update: boto3's and Java's legacy mode (the same code, so the legacy runs); Node's and Go's older releases their examples install", () => {
    const before = retryConfiguration('default-before-2026')!;
    for (const lang of ['python', 'java']) {
      expect(before.sets(example(lang))).toEqual([['service.env.AWS_RETRY_MODE', 'legacy']]);
      expect(before.sameAs!(example(lang))).toBe('legacy');
    }
    // Node: the example runs @smithy/core 3.39.0's code when its file's variable is 1; its policy is that release's.
    const node = example('node');
    const sets = before.sets(node);
    expect(sets).toEqual([['service.env.ORDERS_RETRIES_PRE_2026', '1']]);
    expect(before.sameAs!(node)).toBeNull();
    expect(retryPolicyOf(withServiceSets(node, sets as never))).toMatchObject({ mode: 'standard', maxAttempts: 3, quota: { tokens: 500, transientCost: 10 }, source: expect.stringMatching(/3\.39\.0/) });
    expect(retryPolicyOf(node)).toMatchObject({ maxAttempts: 4, quota: { transientCost: 14 } });
    // A file that names no such variable: not applicable, saying why.
    const { before2026Env: _, ...sdk } = node.sdk;
    expect(before.sets({ ...node, sdk })).toMatchObject({ notApplicable: expect.stringMatching(/3\.39\.0/) });
    // Go: the example's binary built against v1.47.8 (go.pre2026.mod).
    const go = example('go');
    expect(before.sets(go)).toEqual([['service.env.ORDERS_RETRIES_PRE_2026', '1']]);
    expect(retryPolicyOf(withServiceSets(go, before.sets(go) as never))).toMatchObject({ mode: 'standard', maxAttempts: 3, quota: { transientCost: 10 }, source: expect.stringMatching(/v1\.47\.8/) });
  });

  it('names are unique', () => {
    expect(new Set(RETRY_CONFIGURATIONS.map((c) => c.name)).size).toBe(RETRY_CONFIGURATIONS.length);
  });
});

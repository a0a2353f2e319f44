/**
 * `run us-east-1 --quick --service examples/orders-node/service.yaml`: the Node example (the AWS
 * SDK for JavaScript v3, unchanged) runs its workload through the whole arc. The premise first —
 * the empty record happened — then: its requests failed while the record was empty with its SDK's
 * own DNS error (quoted in the report), it came back after DNS was restored, and report.md,
 * summary.json `services[]` and junit.xml carry its phases, time to recover, amplification and
 * check. A service that dies mid-run ends the run as failed, naming it with its log, leaving
 * nothing running.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { assertTriggered } from '../chaos/history/premise.ts';
import { readHistory } from '../chaos/history/history.ts';
import { PROJECT_ROOT } from '../core/paths.ts';
import { processesWithEnv } from '../lab/proc.ts';
import { testSettings } from '../lab/testing.ts';
import type { ServiceFigures } from './analysis.ts';
import { installExamples } from './examples.ts';

const SLOT = 221;
const tmp = mkdtempSync(join(tmpdir(), 'service-run-'));
const settings = testSettings(SLOT);
const cli = (args: string[]) => execa(process.execPath, [join(PROJECT_ROOT, 'bin', 'outage-lab.js'), ...args], { env: settings.env, reject: false, all: true, timeout: 280_000 });

beforeAll(async () => {
  await installExamples(() => {});
}, 180_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('run … --service: your own service through the outage', { timeout: 300_000 }, () => {
  it('the Node example fails with its SDK’s DNS error while the record is empty, recovers after, and the reports say so', async () => {
    const out = join(tmp, 'orders-node');
    const r = await cli(['run', 'us-east-1', '--quick', '--seed', '1', '--out', out, '--report', 'md,json,junit', '--service', join(PROJECT_ROOT, 'examples/orders-node/service.yaml')]);
    const history = readHistory(join(out, 'timeline.ndjson'));
    assertTriggered(history, 'the us-east-1 run with orders-node');
    expect(r.exitCode, r.all).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { services: ServiceFigures[]; checks: { name: string; status: string }[] };
    const svc = summary.services[0]!;
    // eslint-disable-next-line no-console
    console.log(`[service-run.test] orders-node: ${svc.verdict}, ttr ${svc.ttrMs} ms, first error "${svc.firstError?.error}", phases ${svc.phases.map((p) => `${p.name} ${p.requests} req ${p.good}/${p.requests} good, ${p.dynamodbCallsPerRequest} calls/req`).join('; ')}`);
    expect(svc).toMatchObject({ name: 'orders-node', language: 'node', sdk: { name: '@aws-sdk/client-dynamodb', version: '3.1169.0' }, metastable: false, verdict: 'recovered' });
    expect(svc.phases.map((p) => p.name)).toEqual(['steady', 'empty', 'recovering', 'after']);
    const [steady, empty] = svc.phases;
    expect(steady!.good / steady!.requests).toBeGreaterThan(0.95);
    expect(steady!.dynamodbCallsPerRequest).toBeGreaterThan(0);
    // Its SLO broke while the record was empty (sockets opened before are recycled within 2 s).
    expect(empty!.good / empty!.requests).toBeLessThan(0.9);
    expect(svc.firstError?.error).toMatch(/ENOTFOUND dynamodb\.us-east-1\.aws\.test/);
    expect(svc.ttrMs).toBeGreaterThanOrEqual(0);
    expect(summary.checks).toContainEqual(expect.objectContaining({ name: 'service-slo-recovered (orders-node)', status: 'pass' }));
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Your service: orders-node');
    expect(md).toMatch(/ENOTFOUND dynamodb\.us-east-1\.aws\.test/);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('service-slo-recovered (orders-node)');
    expect(processesWithEnv('AWS_ACCESS_KEY_ID', 'outage-lab.orders-node')).toEqual([]);
  });

  it('a service that dies mid-run fails the run with its name and log; nothing is left', async () => {
    const file = join(tmp, 'dies.yaml');
    writeFileSync(
      file,
      stringify({
        name: 'dies-midway',
        language: 'node',
        sdk: { name: 'none', version: '0' },
        start: { command: [process.execPath, '-e', "require('http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, process.env.HOST); setTimeout(() => { console.error('fatal: lost my lease table'); process.exit(7); }, 3000)"], cwd: tmp },
        ready: { path: '/' },
        tables: [{ name: 'dies-table', partitionKey: { name: 'id', type: 'S' } }],
        workload: { requests: [{ name: 'root', method: 'GET', path: '/', rate: 5 }] },
        slo: { successRatio: 0.9, latencyMs: 500, recoverWithinMs: 10_000 },
      }),
    );
    const out = join(tmp, 'dies');
    const r = await cli(['run', 'dns-race', '--seed', '1', '--out', out, '--service', file]);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).toMatch(/service dies-midway exited during the run: fatal: lost my lease table/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { status: string; checks: { name: string; status: string }[] };
    expect(summary.status).toBe('failed');
    expect(summary.checks).toContainEqual(expect.objectContaining({ name: 'service-slo-recovered (dies-midway)', status: 'fail' }));
    expect(processesWithEnv('AWS_ACCESS_KEY_ID', 'outage-lab.dies-midway')).toEqual([]);
  });
});

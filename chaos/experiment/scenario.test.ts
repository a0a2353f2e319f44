import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../topology/topology.ts';
import { validateScenario } from '../run/runner.ts';
import { loadScenario, splitSets } from './scenario.ts';

function scenarioFile(yaml: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'scenario-')), 's.yaml');
  writeFileSync(f, yaml);
  return f;
}

describe('scenario files', () => {
  it('loads the shipped dns-race with its defaults', () => {
    const s = loadScenario('dns-race');
    expect(s.settings.safeguards).toBe('off');
    expect(s.faults[0]).toMatchObject({ type: 'latency', link: 'enactor1-route53', stream: 'downstream' });
    expect(() => validateScenario(s, buildTopology())).not.toThrow();
  });

  it('applies --set overrides by setting name or dotted path, and validates them', () => {
    const s = loadScenario('dns-race', ['safeguards=on', 'faults.0.latencyMs=1500', 'dynamodb.workers=8']);
    expect(s.settings.safeguards).toBe('on');
    expect(s.faults[0]).toMatchObject({ latencyMs: 1500 });
    expect(s.settings.dynamodb?.workers).toBe(8);
    expect(() => loadScenario('dns-race', ['safeguards=maybe'])).toThrow(/settings\.safeguards: .*"on"|settings\.safeguards/);
    expect(() => loadScenario('dns-race', ['saveguards=on'])).toThrow(/unknown setting "saveguards"; settings are seed, safeguards/);
  });

  it('names the wrong field in one line, with exit code 2', () => {
    const f = scenarioFile('name: x\nfaults:\n  - name: slow\n    type: latency\n    link: enactor1-route53\n    atMs: 5000\n    latencyMS: 300\n');
    let err: unknown;
    try {
      loadScenario(f);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ exitCode: 2 });
    const msg = (err as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toContain('faults.0');
    expect(msg).toMatch(/latencyMS|latencyMs/);
  });

  it('refuses an event name the history does not have (a stop or a trigger that would wait forever), naming the field inside the union', () => {
    expect(() => loadScenario(scenarioFile('name: x\nstop:\n  afterEvents:\n    - { event: route53.record.emty, delayMs: 1 }\n'))).toThrow(
      /stop\.afterEvents\.0\.event: "route53\.record\.emty" is not an event of the history/,
    );
    expect(() => loadScenario(scenarioFile('name: x\noperator:\n  - action: restore-dns\n    when: { afterEvent: canary.alrt, delayMs: 1 }\n'))).toThrow(/operator\.0\.when\.afterEvent: "canary\.alrt" is not an event/);
    expect(() => loadScenario(scenarioFile('name: x\nfaults:\n  - { name: a, type: latency, link: dynamodb-fe1, atMs: 5000, latencyMs: 10, after: { event: route53.record.restord } }\n'))).toThrow(
      /faults\.0\.after\.event: "route53\.record\.restord" is not an event/,
    );
  });

  it('takes a fault that waits for an event (after: {event, match, delayMs}), with its defaults', () => {
    const s = loadScenario('dns-race', ['faults.1={"name":"slow-return","type":"latency","link":"dynamodb-fe1","atMs":5000,"latencyMs":1500,"after":{"event":"route53.record.restored","match":{"regional":true}}}']);
    expect(s.faults[1]).toMatchObject({ after: { event: 'route53.record.restored', match: { regional: true }, delayMs: 0 } });
    expect(() => validateScenario(s, buildTopology())).not.toThrow();
  });

  it('builds on another scenario with extends: its fields replaced, its faults, operator actions, checks and quick sets added to', () => {
    const s = loadScenario('slow-return', [], { quick: true });
    const base = loadScenario('us-east-1', [], { quick: true });
    expect(s.name).toBe('slow-return');
    expect(s.faults.map((f) => f.name)).toEqual([...base.faults.map((f) => f.name), 'slow-return-fe1', 'slow-return-fe2', 'slow-return-fe3']);
    expect(s.faults[1]).toMatchObject({ after: { event: 'route53.record.restored', match: { regional: true }, delayMs: 0 }, latencyMs: 1500, durationMs: 8000 });
    expect({ operator: s.operator, checks: s.checks, settings: s.settings, stop: s.stop }).toEqual({ operator: base.operator, checks: base.checks, settings: base.settings, stop: base.stop });
    expect(() => validateScenario(s, buildTopology())).not.toThrow();
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    writeFileSync(join(dir, 'a.yaml'), `name: a\nextends: ${join(dir, 'b.yaml')}\n`);
    writeFileSync(join(dir, 'b.yaml'), `name: b\nextends: ${join(dir, 'a.yaml')}\n`);
    expect(() => loadScenario(join(dir, 'a.yaml'))).toThrow(/extends: .*b\.yaml extends this file again|extends: .*a\.yaml extends this file again/);
    expect(() => loadScenario(scenarioFile('name: x\nextends: us-east-2\n'))).toThrow(/extends: scenario us-east-2 not found/);
  });

  it('rejects links the topology does not have and faults before the steady state is verified', () => {
    const s = loadScenario(scenarioFile('name: x\nfaults:\n  - { name: a, type: latency, link: nowhere, atMs: 5000, latencyMs: 10 }\n'));
    expect(() => validateScenario(s, buildTopology())).toThrow(/faults\.0: no Toxiproxy link named "nowhere"; links are enactor1-route53/);
    const early = loadScenario(scenarioFile('name: x\nfaults:\n  - { name: a, type: latency, link: enactor1-route53, atMs: 100, latencyMs: 10 }\n'));
    expect(() => validateScenario(early, buildTopology())).toThrow(/faults\.0\.atMs: 100 is before the steady state is verified/);
  });

  it('explains a missing scenario and invalid YAML', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(/scenario no-such-scenario not found .*give a shipped name such as dns-race/);
    expect(() => loadScenario(scenarioFile('name: [unclosed'))).toThrow(/not valid YAML/);
  });
});

describe('--set split between the scenario and the service files', () => {
  it('service.* keys go to the service files, parsed; the rest to the scenario as given; a refused key names its flag', () => {
    expect(splitSets(['safeguards=off', 'service.load=0.25', 'service.env.X=null', 'faults.0.type=held-apply'])).toEqual({
      scenario: ['safeguards=off', 'faults.0.type=held-apply'],
      service: [['service.load', 0.25], ['service.env.X', null]],
    });
    expect(() => splitSets(['service.load=2'], { 'service.load': 'the loads are --loads' })).toThrow('--set service.load=2: the loads are --loads');
    expect(() => splitSets(['service.load'])).toThrow(/expected key=value/);
  });
});

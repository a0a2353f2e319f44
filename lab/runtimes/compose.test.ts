import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../core/paths.ts';
import { renderCompose, RUN_DIR } from './compose.ts';
import { buildTopology } from '../../topology/topology.ts';

describe('compose/ (generated from the topology)', () => {
  it('is in sync with the topology: run `npx outage-lab compose` after changing it', () => {
    for (const f of renderCompose()) {
      const path = join(PROJECT_ROOT, 'compose', f.path);
      expect(existsSync(path), `compose/${f.path} missing`).toBe(true);
      expect(readFileSync(path, 'utf8'), `compose/${f.path} is stale`).toBe(f.content);
    }
  });

  it('runs every component of the topology on the host network from locally built images', () => {
    const doc = parse(readFileSync(join(PROJECT_ROOT, 'compose', 'compose.yaml'), 'utf8')) as { services: Record<string, { image: string; network_mode: string; command: string[]; volumes: string[] }> };
    const topology = buildTopology();
    expect(Object.keys(doc.services).sort()).toEqual(topology.components.map((c) => c.name).sort());
    for (const [name, s] of Object.entries(doc.services)) {
      expect(s.network_mode, name).toBe('host');
      expect(s.image, name).toMatch(/^outage-lab\/(services|redis|coredns|toxiproxy):latest$/);
      expect(s.volumes, name).toEqual([`./run:${RUN_DIR}`]);
      // Every address in a command is a loopback one.
      for (const a of s.command.join(' ').match(/\b\d+\.\d+\.\d+\.\d+\b/g) ?? []) expect(a, name).toMatch(/^127\./);
    }
    expect(doc.services.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'always']));
    expect(doc.services.toxiproxy!.command).toContain(`${RUN_DIR}/toxiproxy.json`);
  });
});

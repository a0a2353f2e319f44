import { describe, expect, it } from 'vitest';
import { renderCorefile } from './corefile.ts';
import { renderProxies } from './toxiproxy-proxies.ts';
import { buildTopology, hostPort, listeningEndpoints, startOrder } from './topology.ts';

describe('topology', () => {
  const t = buildTopology({ slot: 7 });

  it('puts every listener on 127.<slot>.0.0/16 and never on 127.0.0.1', () => {
    for (const e of listeningEndpoints(t)) {
      expect(e.endpoint.address).toMatch(/^127\.7\.\d+\.\d+$/);
      expect(e.endpoint.address).not.toBe('127.0.0.1');
    }
    for (const l of t.links) expect(l.upstream.address).toMatch(/^127\.7\./);
  });

  it('never gives two listeners the same address and port', () => {
    const seen = listeningEndpoints(t).map((e) => `${hostPort(e.endpoint)}${e.udp ? '/udp' : ''}`);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('lists the DynamoDB fault points in the DNS record, each forwarding to one frontend', () => {
    expect(t.dynamodb.recordAddresses).toHaveLength(t.dynamodb.frontends.length);
    const links = t.links.filter((l) => l.to === 'dynamodb');
    expect(links.map((l) => l.upstream)).toEqual(t.dynamodb.frontends);
    expect(links.every((l) => l.listen.port === t.dynamodb.port)).toBe(true);
  });

  it('orders components so what each starts after starts first, and every name refers to a component', () => {
    const order = startOrder(t).map((c) => c.name);
    for (const c of t.components) {
      for (const d of c.startAfter ?? c.dependsOn) expect(order.indexOf(d)).toBeLessThan(order.indexOf(c.name));
      for (const d of [...c.dependsOn, ...(c.startAfter ?? [])]) expect(order).toContain(d);
    }
    for (const l of t.links) expect(l.from === 'clients' || order.includes(l.from)).toBe(true);
  });

  it('rejects a slot outside 0–255 with the reason', () => {
    expect(() => buildTopology({ slot: 256 })).toThrow(/slot must be a whole number from 0 to 255/);
    expect(() => buildTopology({ slot: 1.5 })).toThrow(/slot/);
  });

  it('derives the Corefile and the proxy set from the topology', () => {
    const dns = t.components.find((c) => c.name === 'coredns')!;
    const corefile = renderCorefile(t, '/run/zone.db');
    expect(corefile).toContain(`aws.test:${dns.port} {`);
    expect(corefile).toContain(`bind ${dns.address}`);
    expect(corefile).toContain(`ready ${dns.address}:${dns.extraPorts.ready}`);
    expect(corefile).toMatch(/reload \d+ms/);
    expect(renderProxies(t).map((p) => p.listen)).toEqual(t.links.map((l) => hostPort(l.listen)));
  });
});

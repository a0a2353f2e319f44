import { createSocket } from 'node:dgram';
import { createServer, connect, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodbRecordSet, labZoneFile } from '../dns/lab-zone.ts';
import { labResolver, lookupA } from '../dns/resolve.ts';
import { sleep, processStartTicks } from './proc.ts';
import { isFree } from './ports.ts';
import { listeningEndpoints, loopback } from '../topology/topology.ts';
import type { Lab } from './lab.ts';
import { startTestLab } from './testing.ts';

const SLOT = 201;

/** Round trip of one small message through a TCP echo path, in ms. */
function roundTrip(address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: address, port }, () => socket.write('ping\n'));
    socket.setTimeout(5000, () => reject(new Error('round trip timed out')));
    socket.once('data', () => {
      socket.destroy();
      resolve(performance.now() - started);
    });
    socket.once('error', reject);
  });
}

async function medianRoundTrip(address: string, port: number, n = 5): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) samples.push(await roundTrip(address, port));
  samples.sort((a, b) => a - b);
  return samples[Math.floor(n / 2)]!;
}

describe('a real lab (CoreDNS, Toxiproxy, Redis)', () => {
  let lab: Lab;

  beforeAll(async () => {
    // The infrastructure alone: these tests write the zone file themselves (in a full lab Route 53 owns it).
    ({ lab } = await startTestLab(SLOT, ['redis', 'coredns', 'toxiproxy']));
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('resolves the DynamoDB endpoint through CoreDNS to the topology frontend addresses', async () => {
    const resolver = labResolver(`${lab.topology.components.find((c) => c.name === 'coredns')!.address}:1053`);
    const answer = await lookupA(resolver, lab.topology.dynamodbName);
    expect(answer.outcome).toBe('ok');
    expect(answer.addresses.sort()).toEqual([...lab.topology.dynamodb.recordAddresses].sort());
    expect(answer.ttlSeconds).toBe(lab.topology.recordTtlSeconds);
  });

  it('serves an emptied record as NOERROR with no answer (ENODATA) within 1.5 s, unlike a missing name (ENOTFOUND)', async () => {
    const dns = lab.topology.components.find((c) => c.name === 'coredns')!;
    const resolver = labResolver(`${dns.address}:${dns.port}`);
    const zone = labZoneFile(lab.topology, lab.layout.zoneFile);
    // Warm any resolver cache with the full answer first, so the test also proves TTLs are honoured.
    expect((await lookupA(resolver, lab.topology.dynamodbName)).outcome).toBe('ok');

    const emptiedAt = performance.now();
    await zone.publish([dynamodbRecordSet(lab.topology, [], 'source=test-empty')]);
    let answer = await lookupA(resolver, lab.topology.dynamodbName);
    while (answer.outcome === 'ok' && performance.now() - emptiedAt < 3000) {
      await sleep(20);
      answer = await lookupA(resolver, lab.topology.dynamodbName);
    }
    const seenAfterMs = performance.now() - emptiedAt;
    expect(answer).toMatchObject({ outcome: 'empty', code: 'ENODATA', addresses: [] });
    expect(seenAfterMs).toBeLessThan(1500);

    const missing = await lookupA(resolver, `no-such-name.${lab.topology.zone}`);
    expect(missing).toMatchObject({ outcome: 'nxdomain', code: 'ENOTFOUND' });

    await zone.publish([dynamodbRecordSet(lab.topology, lab.topology.dynamodb.recordAddresses, 'source=test-restore')]);
    const restoredAt = performance.now();
    while ((await lookupA(resolver, lab.topology.dynamodbName)).outcome !== 'ok') {
      expect(performance.now() - restoredAt).toBeLessThan(1500);
      await sleep(20);
    }
  });

  it('classifies refused and timed-out answers apart from empty ones', async () => {
    const dns = lab.topology.components.find((c) => c.name === 'coredns')!;
    // CoreDNS is authoritative only for the lab zone: anything else is REFUSED.
    expect((await lookupA(labResolver(`${dns.address}:${dns.port}`), 'example.com')).outcome).toBe('refused');
    // A server that never answers: a timeout, not an empty record.
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(5353, loopback(SLOT, 250, 3), resolve));
    try {
      expect((await lookupA(labResolver(`${loopback(SLOT, 250, 3)}:5353`, 200), lab.topology.dynamodbName)).outcome).toBe('timeout');
    } finally {
      silent.close();
    }
  });

  it('adds a measured 300 ms through a Toxiproxy latency toxic, and removes it', async () => {
    // An echo server and a proxy in front of it, both on this slot's test addresses.
    const echoAddress = loopback(SLOT, 250, 1);
    const proxyAddress = loopback(SLOT, 250, 2);
    const echo: Server = createServer((s) => s.pipe(s));
    await new Promise<void>((resolve) => echo.listen(9000, echoAddress, resolve));
    const tp = lab.toxiproxy;
    try {
      await tp.createProxy({ name: 'test-echo', listen: `${proxyAddress}:9000`, upstream: `${echoAddress}:9000`, enabled: true });
      const base = await medianRoundTrip(proxyAddress, 9000);
      await tp.addToxic('test-echo', { name: 'slow', type: 'latency', stream: 'downstream', attributes: { latency: 300, jitter: 0 } });
      const slow = await medianRoundTrip(proxyAddress, 9000);
      await tp.removeToxic('test-echo', 'slow');
      const healed = await medianRoundTrip(proxyAddress, 9000);
      expect(slow - base).toBeGreaterThan(290);
      expect(slow - base).toBeLessThan(400);
      expect(healed - base).toBeLessThan(50);
      expect((await tp.proxy('test-echo')).toxics).toEqual([]);
    } finally {
      await tp.deleteProxy('test-echo').catch(() => {});
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  it('reports Toxiproxy API errors with their status and message', async () => {
    await expect(lab.toxiproxy.removeToxic('dynamodb-fe1', 'no-such-toxic')).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('toxic not found'),
    });
  });

  it('stops every process and frees every port', async () => {
    const pids = lab.components.map((c) => (c.handle.kind === 'process' ? c.handle.pid : -1));
    expect(pids.length).toBe(3);
    await lab.stop();
    for (const pid of pids) expect(processStartTicks(pid)).toBeUndefined();
    for (const e of listeningEndpoints(lab.topology)) expect(await isFree(e.endpoint, e.udp)).toBe(true);
  });
});

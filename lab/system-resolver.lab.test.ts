/**
 * A service's system resolver asks the lab's CoreDNS: Node's dns.lookup and Python's
 * socket.getaddrinfo (both getaddrinfo, reading /etc/resolv.conf), run in their own mount
 * namespace with the lab's resolv.conf, resolve the DynamoDB endpoint to the record's addresses,
 * and meet the emptied record as their runtime reports it — the message the SDK wraps — while the
 * machine's own /etc/resolv.conf is untouched.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamodbRecordSet, labZoneFile } from '../dns/lab-zone.ts';
import { Lab } from './lab.ts';
import { testSettings } from './testing.ts';
import { buildTopology } from '../topology/topology.ts';
import { inOwnResolver, mountNamespaceMode, resolvConf } from './system-resolver.ts';

const SLOT = 219;
const run = promisify(execFile);
let lab: Lab;
let conf: string;

beforeAll(async () => {
  lab = await Lab.start(testSettings(SLOT), { log: () => {}, ephemeral: true, only: ['coredns'], topology: buildTopology({ slot: SLOT, systemResolver: true }) });
  conf = join(lab.layout.runDir, 'resolv.conf');
  writeFileSync(conf, resolvConf(lab.topology.systemResolver!));
}, 60_000);

afterAll(async () => {
  await lab?.stop();
});

/** Runs a program in its own mount namespace with the lab's resolv.conf; its stdout. */
async function resolveWith(program: string[]): Promise<string> {
  const { file, args } = inOwnResolver(mountNamespaceMode(), conf, program);
  return (await run(file, args, { timeout: 20_000 })).stdout.trim();
}

const NODE = (name: string) => [process.execPath, '-e', `require('dns').lookup(${JSON.stringify(name)}, { all: true }, (e, a) => console.log(e ? e.code + ' ' + e.message : a.map((x) => x.address).sort().join(',')))`];
const PYTHON = (name: string) => ['python3', '-c', `import socket\ntry:\n  print(','.join(sorted({a[4][0] for a in socket.getaddrinfo(${JSON.stringify(name)}, 8000, socket.AF_INET, socket.SOCK_STREAM)})))\nexcept socket.gaierror as e:\n  print('gaierror', e)`];

describe("a service's system resolver asks the lab's CoreDNS", { timeout: 60_000 }, () => {
  it('resolves the endpoint to the record, meets the empty record as its runtime reports it, and leaves the machine resolver alone', async () => {
    const before = readFileSync('/etc/resolv.conf', 'utf8');
    const name = lab.topology.dynamodbName;
    const zone = labZoneFile(lab.topology, lab.layout.zoneFile);
    const all = [...lab.topology.dynamodb.recordAddresses].sort().join(',');
    await zone.publish([dynamodbRecordSet(lab.topology, lab.topology.dynamodb.recordAddresses, 'source=test')]);
    expect(await resolveWith(NODE(name))).toBe(all);
    expect(await resolveWith(PYTHON(name))).toBe(all);

    await zone.publish([dynamodbRecordSet(lab.topology, [], 'source=test-empty')]);
    // CoreDNS reloads the zone within its 100 ms check; the negative TTL is 1 s, and nothing caches.
    await new Promise((r) => setTimeout(r, 400));
    const node = await resolveWith(NODE(name));
    const python = await resolveWith(PYTHON(name));
    // eslint-disable-next-line no-console
    console.log(`[system-resolver.test] empty record: node "${node}"; python "${python}"`);
    expect(node).toMatch(/^ENOTFOUND getaddrinfo ENOTFOUND dynamodb\.us-east-1\.aws\.test$/);
    expect(python).toMatch(/^gaierror \[Errno -(2|5)\] (Name or service not known|No address associated with hostname)$/);
    // A name outside the lab's zone is refused, never forwarded.
    expect(await resolveWith(NODE('example.com'))).toMatch(/^(ENOTFOUND|EAI_AGAIN|ESERVFAIL)/);

    await zone.publish([dynamodbRecordSet(lab.topology, lab.topology.dynamodb.recordAddresses, 'source=test-restore')]);
    await new Promise((r) => setTimeout(r, 400));
    expect(await resolveWith(NODE(name))).toBe(all);
    expect(readFileSync('/etc/resolv.conf', 'utf8')).toBe(before);
  });
});

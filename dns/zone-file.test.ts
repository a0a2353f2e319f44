import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZoneSerial, renderZone, ZoneFile } from './zone-file.ts';

const base = { origin: 'aws.test.', ttlSeconds: 1, nameserverAddress: '127.0.2.2' };

describe('zone files', () => {
  it('renders A records and keeps the name alive with TXT when it has no addresses', () => {
    const full = renderZone({ ...base, serial: 3, recordSets: [{ name: 'dynamodb.us-east-1', addresses: ['127.0.11.1'], txt: ['plan=4'] }] });
    expect(full).toContain('dynamodb.us-east-1 1 IN A 127.0.11.1');
    const empty = renderZone({ ...base, serial: 4, recordSets: [{ name: 'dynamodb.us-east-1.aws.test.', addresses: [], txt: ['plan=5'] }] });
    expect(empty).not.toMatch(/dynamodb\.us-east-1 1 IN A/);
    expect(empty).toContain('dynamodb.us-east-1 1 IN TXT "plan=5"');
  });

  it('rejects names outside the zone, bad addresses and bad serials', () => {
    expect(() => renderZone({ ...base, serial: 1, recordSets: [{ name: 'x.example.', addresses: [], txt: [] }] })).toThrow(/outside the zone/);
    expect(() => renderZone({ ...base, serial: 1, recordSets: [{ name: 'x', addresses: ['10.0.0.256'], txt: [] }] })).toThrow(/not an IPv4/);
    expect(() => renderZone({ ...base, serial: 0, recordSets: [] })).toThrow(/serial/);
  });

  it('bumps the serial past the one on disk on every publish', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zone-')), 'zone.db');
    expect(await readZoneSerial(path)).toBeUndefined();
    expect(await new ZoneFile(path, base).publish([])).toBe(1);
    const second = new ZoneFile(path, base); // a new writer continues from the file
    expect(await second.publish([])).toBe(2);
    expect(await second.publish([])).toBe(3);
    expect(await readZoneSerial(path)).toBe(3);
    expect(readFileSync(path, 'utf8')).toContain('@ IN SOA ns.aws.test. hostmaster.aws.test. 3 ');
  });
});

import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { boundNow, isFree, procAddress, takenPorts } from './ports.ts';

const listen = (address: string, port: number) =>
  new Promise<Server>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: address, port }, () => resolve(s));
  });

describe('ports, read from the kernel’s socket tables', () => {
  it('decodes /proc/net addresses', () => {
    expect(procAddress('0100007F:1F40')).toBe('127.0.0.1:8000');
    expect(procAddress('010BD07F:0035')).toBe('127.208.11.1:53');
    expect(boundNow()).toBeDefined();
  });

  it('sees a TCP listener and a UDP socket, and not once they are closed', async () => {
    const e = { address: '127.250.7.1', port: 18_081 };
    expect(await isFree(e)).toBe(true);
    const s = await listen(e.address, e.port);
    expect(await isFree(e)).toBe(false);
    expect(await takenPorts([{ owner: 'x', endpoint: e }])).toEqual([{ owner: 'x', endpoint: '127.250.7.1:18081', udp: false }]);
    await new Promise((r) => s.close(r));
    expect(await isFree(e)).toBe(true);
    const u = createSocket('udp4');
    await new Promise<void>((r) => u.bind(e.port, e.address, () => r()));
    expect(await isFree(e, true)).toBe(false);
    expect(await isFree(e, false)).toBe(true);
    await new Promise<void>((r) => u.close(() => r()));
    expect(await isFree(e, true)).toBe(true);
  });

  it('checking never takes the port: a service binding while a check is under way gets it', async () => {
    const e = { address: '127.250.7.2', port: 18_082 };
    for (let i = 0; i < 20; i++) {
      // The check starts first; a bind probe would hold the address until its close callback,
      // so the service's bind just after it would fail with EADDRINUSE every time.
      const check = takenPorts([{ owner: 'x', endpoint: e }]);
      const s = await listen(e.address, e.port);
      expect(await check).toEqual([]);
      await new Promise((r) => s.close(r));
    }
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { freePort } from '../../server/test/child-server';
import { parseBackend, startProxy, type Proxy } from './proxy';

const servers: Server[] = [];
let proxy: Proxy | null = null;

afterEach(async () => {
  await proxy?.close();
  proxy = null;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An HTTP server that answers its name and echoes WebSocket messages prefixed with it. */
async function backend(name: string): Promise<string> {
  const server = createServer((_req, res) => {
    res.setHeader('connection', 'close');
    res.end(name);
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`${name}:${String(data)}`)));
  server.on('close', () => wss.close());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('examples/cluster proxy', () => {
  it('spreads connections over the backends in turn', async () => {
    proxy = await startProxy([await backend('a'), await backend('b'), await backend('c')]);
    const names: string[] = [];
    for (let i = 0; i < 6; i++) names.push(await (await fetch(proxy.url, { headers: { connection: 'close' } })).text());
    expect(names).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(proxy.counts()).toEqual([2, 2, 2]);
  });

  it('passes the WebSocket upgrade and its frames through', async () => {
    proxy = await startProxy([await backend('a')]);
    const ws = new WebSocket(proxy.url.replace('http', 'ws'));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    ws.send('hello');
    expect(await reply).toBe('a:hello');
    ws.close();
  });

  it('skips a backend nobody listens on', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    proxy = await startProxy([dead, await backend('b')]);
    const names: string[] = [];
    for (let i = 0; i < 4; i++) names.push(await (await fetch(proxy.url, { headers: { connection: 'close' } })).text());
    expect(names).toEqual(['b', 'b', 'b', 'b']);
    expect(proxy.counts()).toEqual([0, 4]);
  });

  it('reads backends as host:port, URLs or objects', () => {
    expect(parseBackend('127.0.0.1:8801')).toEqual({ host: '127.0.0.1', port: 8801 });
    expect(parseBackend('http://localhost:8802/')).toEqual({ host: 'localhost', port: 8802 });
    expect(parseBackend({ host: 'h', port: 1 })).toEqual({ host: 'h', port: 1 });
    expect(() => parseBackend('127.0.0.1')).toThrow(/no port/);
  });
});

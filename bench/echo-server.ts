/**
 * @module The baseline: a bare `ws` server, no framework, that sends every frame back on the socket it came
 * from. Same socket options as Papo's gateway (no compression, no client tracking, 64 KiB frames). Run in
 * its own process by the bench: `node --import tsx bench/echo-server.ts`; prints `echo listening port=N`.
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.env.ECHO_PORT ?? 0),
  perMessageDeflate: false,
  clientTracking: false,
  maxPayload: 64 * 1024,
});

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => ws.terminate());
});

wss.on('listening', () => {
  const address = wss.address();
  const port = typeof address === 'string' || address === null ? address : address.port;
  process.stdout.write(`echo listening port=${port}\n`);
});

const stop = () => {
  wss.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

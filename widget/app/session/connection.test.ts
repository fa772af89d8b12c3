/** The socket's life (connection.ts): which transitions open and close the socket and the storage listener. */
import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '../../../shared/protocol';
import type { SocketClient, SocketClientOptions } from '../../../shared/socket-client';
import { Connection } from './connection';

function harness() {
  const log: string[] = [];
  const sent: ClientFrame[] = [];
  let sockets = 0;
  let listeners = 0;
  const connect = (options: SocketClientOptions): SocketClient => {
    const n = ++sockets;
    log.push(`connect ${n} ${options.url}`);
    return { status: 'online', send: (frame) => (sent.push(frame), true), wake: () => undefined, stop: () => void log.push(`stop socket ${n}`) };
  };
  const options = { url: 'wss://chat.example/ws', hello: () => ({ type: 'hello' }) as ClientFrame, parse: () => ({ ok: false }), onFrame: () => undefined } as unknown as SocketClientOptions;
  const listen = () => {
    const n = ++listeners;
    log.push(`listen ${n}`);
    return () => void log.push(`unlisten ${n}`);
  };
  return { connection: new Connection(connect, options, listen), log, sent };
}

const TYPING: ClientFrame = { type: 'typing', conversationId: 'conv-1', on: true };

describe('the socket over its life', () => {
  it('idle: nothing sent, stop() changes nothing; start() listens, then connects', () => {
    const t = harness();
    t.connection.send(TYPING);
    t.connection.stop();
    expect([t.connection.state, t.sent, t.log]).toEqual(['idle', [], []]);
    t.connection.start();
    t.connection.start(); // live already
    t.connection.send(TYPING);
    expect([t.connection.state, t.sent, t.log]).toEqual(['live', [TYPING], ['listen 1', 'connect 1 wss://chat.example/ws']]);
  });

  it('stop(): the socket closes and the tab stops listening; a start() connects anew', () => {
    const t = harness();
    t.connection.start();
    t.connection.stop();
    t.connection.stop();
    t.connection.send(TYPING);
    expect([t.connection.state, t.sent]).toEqual(['stopped', []]);
    t.connection.start();
    expect(t.log).toEqual(['listen 1', 'connect 1 wss://chat.example/ws', 'stop socket 1', 'unlisten 1', 'listen 2', 'connect 2 wss://chat.example/ws']);
  });

  it('refuse(): the socket closes, the tab still listens; stop() then ends the listening, start() listens once', () => {
    const t = harness();
    t.connection.start();
    t.connection.refuse();
    t.connection.send(TYPING);
    expect([t.connection.state, t.sent, t.log]).toEqual(['refused', [], ['listen 1', 'connect 1 wss://chat.example/ws', 'stop socket 1']]);
    t.connection.start();
    expect(t.log.slice(3)).toEqual(['unlisten 1', 'listen 2', 'connect 2 wss://chat.example/ws']);
    t.connection.refuse();
    t.connection.stop();
    expect(t.log.slice(6)).toEqual(['stop socket 2', 'unlisten 2']);
  });

  it('refuse() only ends a live socket', () => {
    const t = harness();
    t.connection.refuse();
    expect([t.connection.state, t.log]).toEqual(['idle', []]);
  });

  it('reset(): closed and not started', () => {
    const t = harness();
    t.connection.start();
    t.connection.reset();
    expect([t.connection.state, t.log.slice(2)]).toEqual(['idle', ['stop socket 1', 'unlisten 1']]);
  });
});

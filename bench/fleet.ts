/**
 * @module The Papo side of the load: N visitor sockets, each with its own conversation, and one agent
 * socket that watches all of them, so every visitor message reaches the agent as an `event` frame.
 */
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { closeAll, inBatches, nextFrame, openAgent, openVisitor } from './clients';
import type { PapoProcess } from './procs';

/** A chat-sized message (the frame that carries it is about 170 bytes). */
export const TEXT = 'Hi! I ordered a blue jacket last week and it has not arrived yet. Can you check?';

export interface Fleet {
  papo: PapoProcess;
  visitors: WebSocket[];
  conversationIds: string[];
  /** `{"type":"message.send","conversationId":"...","text":"...","clientId":"` for visitor i; add the id and `"}`. */
  framePrefix: string[];
  agent: WebSocket;
  close(): Promise<void>;
}

export function messagePrefix(conversationId: string): string {
  return `{"type":"message.send","conversationId":${JSON.stringify(conversationId)},"text":${JSON.stringify(TEXT)},"clientId":"`;
}

export async function openFleet(papo: PapoProcess, n: number, log: (line: string) => void): Promise<Fleet> {
  const visitors: WebSocket[] = [];
  let agent: WebSocket | null = null;
  try {
    // The agent is on duty before visitors write, as in a real shift: with nobody available, waiting chats
    // would become tickets (SPEC T2) and the visitors' next messages would find them closed.
    log('agent: signing in');
    agent = await openAgent(papo);
    log(`opening ${n} visitor sockets`);
    visitors.push(...(await inBatches(n, 100, () => openVisitor(papo))));

    log(`starting ${n} conversations (first message of each visitor)`);
    const conversationIds = await inBatches(n, 250, async (i) => {
      const ws = visitors[i]!;
      const clientId = randomUUID();
      const ack = nextFrame(ws, (f) => f.type === 'ack' && f.clientId === clientId, 30_000, 'ack of the first message');
      ws.send(JSON.stringify({ type: 'message.send', clientId, text: TEXT }));
      return String((await ack).conversationId);
    });
    if (new Set(conversationIds).size !== n) throw new Error('visitors did not get one conversation each');

    log('agent: watching every conversation');
    const agentWs = agent;
    const pending = new Set(conversationIds);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(new Error(`agent got ${n - pending.size} of ${n} history frames within 60 s`));
      }, 60_000);
      const onMessage = (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as { type: string; conversationId?: string };
        if (frame.type === 'history' && frame.conversationId) pending.delete(frame.conversationId);
        else if (frame.type === 'error') {
          done();
          reject(new Error(`agent got an error while watching: ${data.toString('utf8')}`));
        }
        if (pending.size === 0) {
          done();
          resolve();
        }
      };
      const done = () => {
        clearTimeout(timer);
        agentWs.off('message', onMessage);
      };
      agentWs.on('message', onMessage);
      for (const id of conversationIds) agentWs.send(`{"type":"watch","conversationId":${JSON.stringify(id)},"afterSeq":0}`);
    });

    for (const ws of visitors) ws.removeAllListeners('message');
    agentWs.removeAllListeners('message');
    return {
      papo,
      visitors,
      conversationIds,
      framePrefix: conversationIds.map(messagePrefix),
      agent: agentWs,
      close: () => closeAll([...visitors, agentWs]),
    };
  } catch (err) {
    await closeAll(agent ? [...visitors, agent] : visitors);
    throw err;
  }
}

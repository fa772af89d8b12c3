/**
 * @module Test code only: a client of delivery as the widget or console holds its conversations, checking
 * SPEC D2 on every frame, and seeded randomness for the reorder-and-drop tests.
 */
import { mergeHistory } from '../../shared/history';
import type { ConversationEvent, ServerFrame } from '../../shared/protocol';
import type { Outbox } from './delivery';

/** Deterministic randomness per seed (mulberry32), so a failing seed can be run again. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A client as the widget or console holds a conversation (shared/history.ts for history frames), checking
 * every frame against SPEC D2 as it comes: an event never at or below what it holds.
 */
export class Client implements Outbox {
  readonly held = new Map<string, { events: ConversationEvent[]; lastSeq: number }>();
  readonly violations: string[] = [];
  send = (frame: ServerFrame): void => this.#take(JSON.parse(JSON.stringify(frame)) as ServerFrame);
  sendRaw = (data: string): void => this.#take(JSON.parse(data) as ServerFrame);

  #take(frame: ServerFrame): void {
    if (frame.type === 'history') {
      const before = this.held.get(frame.conversationId) ?? { events: [], lastSeq: 0 };
      if (!frame.reset && frame.events.some((e) => e.seq <= before.lastSeq)) this.violations.push(`history repeats ${frame.conversationId} <= ${before.lastSeq}`);
      this.held.set(frame.conversationId, mergeHistory(before, frame));
    } else if (frame.type === 'event') {
      const { conversationId, seq } = frame.event;
      const before = this.held.get(conversationId) ?? { events: [], lastSeq: 0 };
      if (seq <= before.lastSeq) this.violations.push(`event ${conversationId}:${seq} after ${before.lastSeq}`);
      this.held.set(conversationId, { events: [...before.events, frame.event], lastSeq: seq });
    }
  }

  log(conversationId: string): string[] {
    return (this.held.get(conversationId)?.events ?? []).map((e) => `${e.seq}:${e.kind}:${e.text ?? ''}`);
  }
}


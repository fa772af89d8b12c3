import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from './protocol';
import { renderTranscript, TRANSCRIPT_LABELS } from './transcript';

const at = Date.parse('2026-11-21T17:05:00Z');
const ev = (seq: number, kind: string, author: ConversationEvent['author'], text: string | null = null): ConversationEvent => ({
  conversationId: 'c1',
  seq,
  kind,
  author,
  clientId: null,
  text,
  at: at + seq * 60_000,
});
const visitor = { kind: 'visitor' as const, id: 'v1', name: null };
const ana = { kind: 'agent' as const, id: 'a1', name: 'Ana' };
const bot = { kind: 'bot' as const, id: null, name: null };
const system = { kind: 'system' as const, id: null, name: null };

const EVENTS = [
  ev(1, 'created', visitor),
  ev(2, 'queued', system),
  ev(3, 'message', visitor, 'Olá 👋 <b>oi</b>'),
  ev(4, 'message', bot, 'Sou o assistente'),
  ev(5, 'assigned', ana),
  ev(6, 'message', ana, 'Posso ajudar?'),
  ev(7, 'note', ana, 'cliente VIP'),
  ev(8, 'ended_by_visitor', visitor),
  ev(9, 'closed', ana),
];

describe('T6: transcript text', () => {
  it('lists messages and who joined or ended, in the site\'s time zone, text kept exactly', () => {
    expect(renderTranscript(EVENTS, TRANSCRIPT_LABELS['pt-BR'], 'America/Sao_Paulo')).toBe(
      [
        'Transcrição da conversa',
        '',
        '[2026-11-21 14:08] Você: Olá 👋 <b>oi</b>',
        '[2026-11-21 14:09] Assistente: Sou o assistente',
        '[2026-11-21 14:10] Ana entrou na conversa',
        '[2026-11-21 14:11] Ana: Posso ajudar?',
        '[2026-11-21 14:13] Você encerrou a conversa',
        '[2026-11-21 14:14] Conversa encerrada',
        '',
      ].join('\n'),
    );
  });

  it.each(['pt-BR', 'en', 'es'] as const)('%s: never shows a note, even when handed one', (locale) => {
    expect(renderTranscript(EVENTS, TRANSCRIPT_LABELS[locale])).not.toContain('VIP');
  });

  it('defaults to UTC', () => {
    expect(renderTranscript([EVENTS[2]!], TRANSCRIPT_LABELS.en)).toContain('[2026-11-21 17:08] You: Olá');
  });
});

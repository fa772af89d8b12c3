import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ClientFrame } from '../../shared/protocol';
import { redactFrame } from './visitor-text';

/** A mask that shows what it touched. */
const mask = (text: string) => `<${text}>`;
const id = '0190a0b0-0000-7000-8000-000000000001';
const client = '5b0f2a8e-3c1d-4e6f-9a7b-0c1d2e3f4a5b';

describe('M1: a visitor frame in redact: free text masked, identifiers exact', () => {
  it.each<[string, ClientFrame, ClientFrame]>([
    [
      'hello: the page is free text; the token, resume point, queue hint and proofs are not',
      {
        type: 'hello',
        v: PROTOCOL_VERSION,
        token: 'tok.en',
        resume: { conversationId: id, afterSeq: 3 },
        page: { url: 'https://x/?cpf=1', title: 'T', referrer: 'https://r/' },
        queue: 'Vendas',
        identity: { userId: 'u1', userHash: 'a'.repeat(64), email: 'maria@example.com', name: 'Maria' },
      },
      {
        type: 'hello',
        v: PROTOCOL_VERSION,
        token: 'tok.en',
        resume: { conversationId: id, afterSeq: 3 },
        page: { url: '<https://x/?cpf=1>', title: '<T>', referrer: '<https://r/>' },
        queue: 'Vendas',
        identity: { userId: 'u1', userHash: 'a'.repeat(64), email: 'maria@example.com', name: '<Maria>' },
      },
    ],
    [
      'hello with a JWT proof: its claims stay as signed',
      { type: 'hello', v: PROTOCOL_VERSION, identity: { jwt: 'a.b.c' } },
      { type: 'hello', v: PROTOCOL_VERSION, identity: { jwt: 'a.b.c' } },
    ],
    [
      'message.send: the text and the pre-chat name; not the ids, files, pre-chat e-mail or queue',
      { type: 'message.send', clientId: client, conversationId: id, text: 'oi', attachments: [id], prechat: { name: 'Maria', email: 'm@x.io', queue: id, consent: true } },
      { type: 'message.send', clientId: client, conversationId: id, text: '<oi>', attachments: [id], prechat: { name: '<Maria>', email: 'm@x.io', queue: id, consent: true } },
    ],
    [
      "ticket.create: every field but the requester's e-mail",
      { type: 'ticket.create', clientId: client, fields: { name: 'Maria', email: 'm@x.io', message: 'oi', pedido: '42' } },
      { type: 'ticket.create', clientId: client, fields: { name: '<Maria>', email: 'm@x.io', message: '<oi>', pedido: '<42>' } },
    ],
    [
      'conversation.rate: the comment',
      { type: 'conversation.rate', clientId: client, conversationId: id, score: 3, comment: 'ok' },
      { type: 'conversation.rate', clientId: client, conversationId: id, score: 3, comment: '<ok>' },
    ],
    [
      'transcript.email: nothing (the address mail goes to)',
      { type: 'transcript.email', clientId: client, conversationId: id, email: 'm@x.io' },
      { type: 'transcript.email', clientId: client, conversationId: id, email: 'm@x.io' },
    ],
    ['typing: nothing', { type: 'typing', conversationId: id, on: true }, { type: 'typing', conversationId: id, on: true }],
    ['watch: nothing', { type: 'watch', conversationId: id, afterSeq: 0 }, { type: 'watch', conversationId: id, afterSeq: 0 }],
  ])('M1: %s', (_name, frame, expected) => {
    expect(redactFrame(frame, mask)).toEqual(expected);
  });

  it('M1: a string field no one listed is free text (a field added to a frame is masked until listed)', () => {
    const frame = { type: 'conversation.rate', clientId: client, conversationId: id, score: 3, mood: 'feliz' } as unknown as ClientFrame;
    expect(redactFrame(frame, mask)).toMatchObject({ clientId: client, conversationId: id, mood: '<feliz>' });
  });

  it('M1: a frame with nothing to mask comes back as it was; a form field named __proto__ stays data', () => {
    const typing: ClientFrame = { type: 'typing', conversationId: id, on: false };
    expect(redactFrame(typing, mask)).toBe(typing);
    const fields = JSON.parse('{"__proto__":"x","email":"m@x.io"}') as Record<string, string>;
    const out = redactFrame({ type: 'ticket.create', clientId: client, fields }, mask);
    expect(out.type === 'ticket.create' && Object.getOwnPropertyDescriptor(out.fields, '__proto__')?.value).toBe('<x>');
    expect(Object.getPrototypeOf(out.type === 'ticket.create' ? out.fields : null)).toBe(Object.prototype);
  });
});

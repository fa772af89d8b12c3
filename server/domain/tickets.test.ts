import { describe, expect, it } from 'vitest';
import type { OfflineField } from '../../shared/protocol';
import { stateFixture, type StateFixture } from '../../shared/test/summary';
import type { AgentActor, ConversationState, VisitorActor } from './conversation';
import { DEFAULT_TICKETING, decideFollowUp, decideRate, decideTicketClose, decideTicketEmail, formFields, readForm, subjectOf } from './tickets';

const FIELDS = formFields(DEFAULT_TICKETING);
const WITH_PHONE: OfflineField[] = formFields({ ...DEFAULT_TICKETING, offlineFields: [{ key: 'name', label: 'Nome', type: 'text', required: true }, { key: 'phone', label: 'Telefone', type: 'tel', required: false }] });

describe('T1: the leave-a-message form', () => {
  it('asks the site\'s fields, then e-mail and message, which are always there and required', () => {
    expect(FIELDS.map((f) => [f.key, f.required])).toEqual([['name', false], ['email', true], ['message', true]]);
    // A site cannot drop or loosen e-mail and message by naming them itself.
    const tries = formFields({ ...DEFAULT_TICKETING, offlineFields: [{ key: 'email', label: 'x', type: 'text', required: false }] });
    expect(tries.filter((f) => f.key === 'email')).toEqual([{ key: 'email', label: 'E-mail', type: 'email', required: true }]);
  });

  it.each<[string, readonly OfflineField[], Record<string, string>, ReturnType<typeof readForm>]>([
    ['a full form', FIELDS, { name: ' Maria ', email: 'Maria@Example.COM', message: 'Quero trocar\no tamanho' }, { ok: true, requesterName: 'Maria', email: 'maria@example.com', subject: 'Quero trocar', description: 'Quero trocar\no tamanho' }],
    ['no name (optional)', FIELDS, { email: 'a@b.co', message: 'Oi' }, { ok: true, requesterName: null, email: 'a@b.co', subject: 'Oi', description: 'Oi' }],
    ['extra fields go into the description', WITH_PHONE, { name: 'Ana', phone: '+55 11 91234-5678', email: 'a@b.co', message: 'Oi' }, { ok: true, requesterName: 'Ana', email: 'a@b.co', subject: 'Oi', description: 'Oi\n\nTelefone: +55 11 91234-5678' }],
    ['T7: missing e-mail', FIELDS, { message: 'Oi' }, { ok: false, code: 'field_required', field: 'email' }],
    ['T7: blank message', FIELDS, { email: 'a@b.co', message: '   ' }, { ok: false, code: 'field_required', field: 'message' }],
    ['T7: a bad e-mail', FIELDS, { email: 'maria@', message: 'Oi' }, { ok: false, code: 'invalid_email', field: 'email' }],
    ['T7: a required site field', WITH_PHONE, { email: 'a@b.co', message: 'Oi' }, { ok: false, code: 'field_required', field: 'name' }],
    ['T7: an unknown field', FIELDS, { email: 'a@b.co', message: 'Oi', cpf: '123' }, { ok: false, code: 'invalid_request', field: 'cpf' }],
    ['T7: __proto__ is just an unknown key', FIELDS, JSON.parse('{"email":"a@b.co","message":"Oi","__proto__":"x"}') as Record<string, string>, { ok: false, code: 'invalid_request', field: '__proto__' }],
  ])('%s', (_name, fields, values, expected) => {
    expect(readForm(fields, values)).toEqual(expected);
  });

  it('a long first line makes a subject of 80 characters ending in an ellipsis', () => {
    const result = readForm(FIELDS, { email: 'a@b.co', message: 'x'.repeat(200) });
    expect(result.ok && result.subject).toBe(`${'x'.repeat(79)}…`);
  });

  it('D14: a subject cut through an emoji does not keep half of it', () => {
    const result = readForm(FIELDS, { email: 'a@b.co', message: `${'x'.repeat(78)}😀${'y'.repeat(10)}` });
    expect(result.ok && result.subject).toBe(`${'x'.repeat(78)}…`);
  });
});

describe("T4: a ticket's subject from a message", () => {
  it.each<[string, string, string]>([
    ['the first line, trimmed', '  Quero trocar o tamanho \r\nÉ o pedido 123', 'Quero trocar o tamanho'],
    ['80 characters are kept whole', 'x'.repeat(80), 'x'.repeat(80)],
    ['81 are cut to 79 and an ellipsis', 'x'.repeat(81), `${'x'.repeat(79)}…`],
    ['D14: a cut through an emoji drops all of it', `${'x'.repeat(78)}😀${'y'.repeat(10)}`, `${'x'.repeat(78)}…`],
    ['an emoji that ends before the cut is kept', `${'x'.repeat(77)}😀${'y'.repeat(10)}`, `${'x'.repeat(77)}😀…`],
    ['only the first line is measured', `curto\n${'y'.repeat(200)}`, 'curto'],
    ['a blank first line gives an empty subject', '   \nsegunda linha', ''],
    ['an empty message too', '', ''],
  ])('%s', (_what, message, subject) => {
    expect(subjectOf(message)).toBe(subject);
  });
});

const ME: AgentActor = { kind: 'agent', id: 'me', name: 'Me', role: 'agent', queueIds: new Set(['q1']) };
const SUP: AgentActor = { ...ME, id: 'sup', name: 'Sup', role: 'supervisor' };
const VISITOR: VisitorActor = { kind: 'visitor', visitorId: 'visitor-1', siteId: 'site-1' };
const state = (o: Partial<StateFixture> = {}): ConversationState => stateFixture({ siteId: 'site-1', visitorId: 'visitor-1', queueId: 'q1', ...o });
const TICKET = { id: 't1', number: 7 };

describe('T2/T3: decideTicketClose', () => {
  it.each<[string, ConversationState, AgentActor | null, string | null]>([
    ['T2: the server turns a waiting conversation into a ticket', state(), null, null],
    ['T2: not one someone took meanwhile', state({ assignedAgentId: 'me' }), null, 'conflict'],
    ['T2: not one the bot holds', state({ bot: true }), null, 'conflict'],
    ['T3: the holder ends it with a ticket', state({ assignedAgentId: 'me' }), ME, null],
    ['T3: also after the visitor ended it', state({ assignedAgentId: 'me', status: 'ended' }), ME, null],
    ['T3: a supervisor may', state({ assignedAgentId: 'other' }), SUP, null],
    ['T3: another agent may not', state({ assignedAgentId: 'other' }), ME, 'not_holder'],
    ['a closed conversation is not closed again', state({ status: 'closed' }), SUP, 'conversation_closed'],
  ])('%s', (_name, s, actor, refusal) => {
    const d = decideTicketClose(s, actor, TICKET);
    if (refusal) return expect(d).toEqual({ ok: false, code: refusal });
    expect(d.ok && d.events.map((e) => [e.kind, e.data])).toEqual([
      ['ticket_created', { number: 7, ticketId: 't1', email: null }],
      ['closed', { reason: 'Ticket #7' }],
    ]);
    expect(d.ok && d.patch).toMatchObject({ status: 'closed', offer: null, request: null, wrapUpReason: 'Ticket #7' });
  });
});

describe('T5: decideRate', () => {
  it.each<[string, ConversationState, VisitorActor, boolean, string | null]>([
    ['after the visitor ended it', state({ status: 'ended' }), VISITOR, false, null],
    ['after an agent closed it', state({ status: 'closed' }), VISITOR, false, null],
    ['not while it is open', state(), VISITOR, false, 'not_ended'],
    ['once only', state({ status: 'closed' }), VISITOR, true, 'conflict'],
    ['not another visitor\'s', state({ status: 'closed' }), { ...VISITOR, visitorId: 'visitor-2' }, false, 'conversation_not_found'],
    ['not from another site', state({ status: 'closed' }), { ...VISITOR, siteId: 'site-2' }, false, 'conversation_not_found'],
  ])('%s', (_name, s, actor, already, refusal) => {
    const d = decideRate(s, actor, 4, 'Ótimo', already);
    if (refusal) return expect(d).toEqual({ ok: false, code: refusal });
    expect(d).toEqual({ ok: true, patch: null, events: [{ kind: 'rated', author: { kind: 'visitor', id: 'visitor-1', name: null }, clientId: null, text: null, data: { score: 4, comment: 'Ótimo' } }] });
  });
});

describe('issue 15: a chat that became a ticket goes on as the ticket\'s thread', () => {
  const closed = state({ status: 'closed' });
  it.each<[string, ConversationState, VisitorActor, string, { status: string } | null, string | null, 'open' | null]>([
    ['a follow-up to an open ticket goes into the chat, the ticket stays open', closed, VISITOR, 'Mais um detalhe', { status: 'open' }, null, null],
    ['a pending ticket (waiting on the requester) reopens', closed, VISITOR, 'Respondendo', { status: 'pending' }, null, 'open'],
    ['a solved ticket reopens', closed, VISITOR, 'Ainda não resolveu', { status: 'solved' }, null, 'open'],
    ['a closed ticket takes nothing more: a new chat starts', closed, VISITOR, 'Oi', { status: 'closed' }, 'conversation_closed', null],
    ['a chat that became no ticket: a new chat starts', closed, VISITOR, 'Oi', null, 'conversation_closed', null],
    ['an open chat is not a follow-up', state(), VISITOR, 'Oi', { status: 'open' }, 'conversation_closed', null],
    ['C1: never another visitor\'s chat', closed, { ...VISITOR, visitorId: 'visitor-2' }, 'Oi', { status: 'open' }, 'conversation_not_found', null],
    ['C1: never another site\'s', closed, { ...VISITOR, siteId: 'site-2' }, 'Oi', { status: 'open' }, 'conversation_not_found', null],
    ['a blank message is refused', closed, VISITOR, '   ', { status: 'open' }, 'message_empty', null],
  ])('%s', (_name, s, actor, text, ticket, refusal, reopen) => {
    const d = decideFollowUp(s, actor, text, 'c-1', ticket);
    if (refusal) return expect(d).toEqual({ ok: false, code: refusal });
    expect(d).toEqual({ ok: true, patch: null, reopen, events: [{ kind: 'message', author: { kind: 'visitor', id: 'visitor-1', name: null }, clientId: 'c-1', text }] });
  });

  it.each<[string, ConversationState, VisitorActor, { status: string } | null, string | null]>([
    ['the visitor gives its address for its ticket', state({ status: 'closed' }), VISITOR, { status: 'open' }, null],
    ['not for a chat that became no ticket', state({ status: 'closed' }), VISITOR, null, 'conversation_closed'],
    ['not for a closed ticket', state({ status: 'closed' }), VISITOR, { status: 'closed' }, 'conversation_closed'],
    ['not for another visitor\'s chat', state({ status: 'closed' }), { ...VISITOR, visitorId: 'visitor-2' }, { status: 'open' }, 'conversation_not_found'],
  ])('%s', (_name, s, actor, ticket, refusal) => {
    const d = decideTicketEmail(s, actor, 'bia@example.com', ticket);
    if (refusal) return expect(d).toEqual({ ok: false, code: refusal });
    expect(d).toEqual({ ok: true, patch: null, events: [{ kind: 'ticket_email', author: { kind: 'visitor', id: 'visitor-1', name: null }, clientId: null, text: null, data: { email: 'bia@example.com' } }] });
  });

  it('the ticket_created event names the address replies go to, or null: the widget asks', () => {
    const d = decideTicketClose(state(), null, { ...TICKET, requester: { email: 'bia@example.com' } });
    expect(d.ok && d.events[0]!.data).toEqual({ number: 7, ticketId: 't1', email: 'bia@example.com' });
  });
});

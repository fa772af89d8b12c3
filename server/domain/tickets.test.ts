import { describe, expect, it } from 'vitest';
import type { OfflineField } from '../../shared/protocol';
import { stateFixture, type StateFixture } from '../../shared/test/summary';
import type { AgentActor, ConversationState, VisitorActor } from './conversation';
import { DEFAULT_TICKETING, decideRate, decideTicketClose, formFields, readForm, subjectOf } from './tickets';

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
      ['ticket_created', { number: 7, ticketId: 't1' }],
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

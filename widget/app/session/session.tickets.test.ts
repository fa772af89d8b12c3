import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseClientFrame, type ClientFrame, type OfflineField, type ServerFrame, type SiteStatus } from '../../../shared/protocol';
import { panelOf } from './panel';
import { VisitorSession } from './session';
import { ack, ANA, CONFIG, error, ev, eventFrame, history, holding, item, KEYS, real, RETRY_AFTER_MS, sentOf, setup, STORED, SYSTEM, VISITOR, welcome } from './session.fixtures';

const FIELDS: OfflineField[] = [
  { key: 'name', label: 'Name', type: 'text', required: false },
  { key: 'email', label: 'E-mail', type: 'email', required: true },
  { key: 'message', label: 'Message', type: 'textarea', required: true },
];
const OFFLINE: SiteStatus = { online: false, offlineFields: FIELDS };
const FORM = { email: 'ana@example.com', message: 'Do you ship to Curitiba?' };

const availability = (online: boolean): ServerFrame => ({ type: 'availability', online });
const ticket = (clientId: string, number: number): ServerFrame => ({ type: 'ticket', clientId, number });
const done = (clientId: string): ServerFrame => ({ type: 'done', clientId });

type Harness = ReturnType<typeof setup>;
const valid = (frame: ClientFrame | undefined) => parseClientFrame(JSON.stringify(frame)).ok;
const panel = (t: Harness) => panelOf(t.session.view);

/** A new visitor (no conversation) welcomed with this site status. */
function newVisitor(site: SiteStatus = OFFLINE, init: Parameters<typeof setup>[0] = {}): Harness {
  const t = setup(init);
  t.deliver(welcome(null, 'token-2', site));
  return t;
}

/** A returning visitor in conv-1 (events 1..3), which has now ended. */
function ended(kind: 'ended_by_visitor' | 'closed' = 'ended_by_visitor'): Harness {
  const t = holding(3);
  t.deliver(eventFrame(ev(4, { kind, author: kind === 'closed' ? ANA : VISITOR, text: null })));
  return t;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('T1: who can answer', () => {
  it('T1: the welcome\'s site status is the view\'s', () => {
    const t = newVisitor();
    expect(t.session.view.site).toEqual(OFFLINE);
  });

  it('T1: offline without a conversation shows the form; online, the composer', () => {
    expect(panel(newVisitor(OFFLINE))).toBe('form');
    expect(panel(newVisitor({ online: true, offlineFields: FIELDS }))).toBe('composer');
  });

  it('T1: before the first welcome the composer is shown (the outbox keeps what is written)', () => {
    const t = setup({ status: 'connecting' });
    expect(t.session.view.site).toBeNull();
    expect(panel(t)).toBe('composer');
  });

  it('T1: availability frames switch between the composer and the form, keeping the fields', () => {
    const t = newVisitor({ online: true, offlineFields: FIELDS });
    t.deliver(availability(false));
    expect(t.session.view.site).toEqual(OFFLINE);
    expect(panel(t)).toBe('form');
    t.deliver(availability(true));
    expect(panel(t)).toBe('composer');
  });

  it('T1: an open conversation always keeps the composer, offline or not', () => {
    const t = holding(3);
    t.deliver(availability(false));
    expect(t.session.view.status).toBe('open');
    expect(panel(t)).toBe('composer');
  });

  it('T1/D7: a message still on its way keeps the composer', () => {
    const t = newVisitor({ online: true, offlineFields: FIELDS });
    t.session.send('Olá');
    t.deliver(availability(false));
    expect(panel(t)).toBe('composer');
    t.deliver(error('message_too_long', t.messages()[0]!.clientId));
    expect(panel(t)).toBe('form'); // a failed one stays listed, and the form takes the composer's place
  });
});

describe('T1: ticket.create', () => {
  it('T1: sends the fields with a UUID clientId; the ticket frame gives its number', () => {
    const t = newVisitor();
    t.session.createTicket(FORM);
    const [frame] = sentOf(t, 'ticket.create');
    expect(frame).toEqual({ type: 'ticket.create', clientId: expect.any(String), fields: FORM });
    expect(valid(frame)).toBe(true);
    expect(t.session.view.ticket).toEqual({ clientId: frame!.clientId, state: 'sending', code: null, message: null, number: null });

    t.deliver(ticket('0190a1b2-c3d4-4e5f-8a6b-000000000000', 9)); // someone else's
    expect(t.session.view.ticket?.state).toBe('sending');
    t.deliver(ticket(frame!.clientId, 12));
    expect(t.session.view.ticket).toEqual({ clientId: frame!.clientId, state: 'done', code: null, message: null, number: 12 });
  });

  it('T7: a resend after a reconnect reuses the clientId; a new submission gets a new one', () => {
    const t = newVisitor();
    t.session.createTicket(FORM);
    t.deliver(welcome(null, 'token-3', OFFLINE)); // reconnected
    const [first, resent] = sentOf(t, 'ticket.create');
    expect(resent).toEqual(first);

    t.deliver(error('invalid_email', first!.clientId));
    t.session.createTicket({ ...FORM, email: 'ana@example.org' });
    const again = sentOf(t, 'ticket.create')[2];
    expect(again!.clientId).not.toBe(first!.clientId);
  });

  it('T1: a form sent while the socket is down goes after the welcome', () => {
    const t = setup({ status: 'connecting' });
    t.session.createTicket(FORM);
    expect(sentOf(t, 'ticket.create')).toEqual([]);
    t.client.status = 'online';
    t.deliver(welcome(null, 'token-2', OFFLINE));
    expect(sentOf(t, 'ticket.create')).toEqual([{ type: 'ticket.create', clientId: t.session.view.ticket!.clientId, fields: FORM }]);
  });

  it('T1/T7: an unanswered form is kept in storage and the next page resends it with the same clientId', () => {
    const t = setup({ status: 'connecting' });
    t.session.createTicket(FORM);
    const clientId = t.session.view.ticket!.clientId;
    t.session.stop();

    // The next page, sharing the storage.
    const next = new VisitorSession(CONFIG, t.storage, { emit: () => undefined }, (options) => {
      t.connects.push(options);
      return t.client;
    });
    next.start();
    expect(next.view.ticket).toMatchObject({ clientId, state: 'sending' });
    t.client.status = 'online';
    t.connects[1]!.onFrame(real(welcome(null, 'token-2', OFFLINE)));
    expect(sentOf(t, 'ticket.create')).toEqual([{ type: 'ticket.create', clientId, fields: FORM }]);

    t.connects[1]!.onFrame(real(ticket(clientId, 5)));
    expect(next.view.ticket).toMatchObject({ state: 'done', number: 5 });
    expect(t.storage.get(KEYS.ticket)).toBeNull();
  });

  it.each(['field_required', 'invalid_email', 'invalid_frame'])('T7: %s fails the submission, which is not resent', (code) => {
    const t = newVisitor();
    t.session.createTicket(FORM);
    const [frame] = sentOf(t, 'ticket.create');
    t.deliver(error(code, frame!.clientId));
    expect(t.session.view.ticket).toEqual({ clientId: frame!.clientId, state: 'failed', code, message: `error ${code}`, number: null });
    expect(t.storage.get(KEYS.ticket)).toBeNull();
    t.deliver(welcome(null, 'token-3', OFFLINE));
    vi.advanceTimersByTime(60_000);
    expect(sentOf(t, 'ticket.create')).toHaveLength(1);
  });

  it.each(['internal', 'shutting_down'])('T7: a passing error (%s) resends the same form after a pause', (code) => {
    const t = newVisitor();
    t.session.createTicket(FORM);
    const [frame] = sentOf(t, 'ticket.create');
    t.deliver(error(code, frame!.clientId));
    expect(t.session.view.ticket?.state).toBe('sending');
    vi.advanceTimersByTime(RETRY_AFTER_MS);
    expect(sentOf(t, 'ticket.create')).toEqual([frame, frame]);
  });

  it('an error naming the form\'s clientId leaves the outbox alone', () => {
    const t = newVisitor(OFFLINE, { outbox: [item(1, { conversationId: null })] });
    t.session.createTicket(FORM);
    t.deliver(error('field_required', t.session.view.ticket!.clientId));
    expect(t.storedOutbox()).toEqual([item(1, { conversationId: null })]);
  });
});

describe('T2: a waiting chat that became a ticket', () => {
  function ticketed(site: SiteStatus = { online: true, offlineFields: FIELDS }) {
    const t = holding(3);
    t.deliver(availability(site.online));
    t.deliver(eventFrame(ev(4, { kind: 'ticket_created', author: SYSTEM, text: null, data: { number: 42 } })));
    t.deliver(eventFrame(ev(5, { kind: 'closed', author: SYSTEM, text: null })));
    return t;
  }

  it('issue 15: the conversation is closed; the composer stays (no end panel) and its next message goes to the same conversation: the ticket', () => {
    const t = ticketed();
    expect(t.session.view.status).toBe('closed');
    expect(panel(t)).toBe('composer');
    t.session.send('One more thing');
    const frame = t.messages().at(-1)!;
    expect(frame).toEqual({ type: 'message.send', clientId: expect.any(String), conversationId: 'conv-1', text: 'One more thing' });
    // Its ack names the same conversation: the thread stays, with the follow-up in it.
    t.deliver(ack(frame.clientId, 'conv-1', 6));
    t.deliver(eventFrame(ev(6, { kind: 'message', author: VISITOR, text: 'One more thing', clientId: frame.clientId })));
    expect(t.session.view).toMatchObject({ conversationId: 'conv-1', status: 'closed', outbox: [] });
    expect(t.session.view.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('issue 15: with nobody online it is still the composer, never the form (which would invite a duplicate)', () => {
    expect(panel(ticketed(OFFLINE))).toBe('composer');
  });

  it('issue 15: a closed ticket refuses it (conversation_closed): the message starts a new conversation, whose ack makes it the current one', () => {
    const t = ticketed();
    t.session.send('One more thing');
    const clientId = t.messages().at(-1)!.clientId;
    t.deliver(error('conversation_closed', clientId));
    expect(t.messages().at(-1)).toEqual({ type: 'message.send', clientId, text: 'One more thing' });
    t.deliver(ack(clientId, 'conv-2', 2));
    expect(t.session.view).toMatchObject({ conversationId: 'conv-2', status: 'open', events: [] });
  });

  it('issue 15: the visitor\'s address for the ticket goes as ticket.email, answered by done', () => {
    const t = ticketed();
    t.session.emailTranscript('ana@example.com', true);
    const [frame] = sentOf(t, 'ticket.email');
    expect(frame).toEqual({ type: 'ticket.email', clientId: expect.any(String), conversationId: 'conv-1', email: 'ana@example.com' });
    expect(valid(frame)).toBe(true);
    t.deliver(done(frame!.clientId));
    expect(t.session.view.mail).toMatchObject({ state: 'done', email: 'ana@example.com' });
  });
});

describe('R8: End chat', () => {
  it('R8: end() sends conversation.end once; the ended_by_visitor event ends the wait and shows the end panel', () => {
    const t = holding(3);
    t.session.end();
    t.session.end();
    const frames = sentOf(t, 'conversation.end');
    expect(frames).toEqual([{ type: 'conversation.end', conversationId: 'conv-1' }]);
    expect(valid(frames[0])).toBe(true);
    expect(t.session.view.ending).toBe(true);

    t.deliver(eventFrame(ev(4, { kind: 'ended_by_visitor', author: VISITOR, text: null })));
    expect(t.session.view).toMatchObject({ status: 'ended', ending: false });
    expect(panel(t)).toBe('end');
    t.deliver(welcome({ id: 'conv-1', lastSeq: 4, status: 'ended' }));
    expect(sentOf(t, 'conversation.end')).toHaveLength(1); // settled: not resent
  });

  it('R8: an end asked while the socket is down goes after the welcome', () => {
    const t = holding(3);
    t.client.status = 'connecting';
    t.session.end();
    t.client.status = 'online';
    t.deliver(welcome({ id: 'conv-1', lastSeq: 3 }));
    expect(sentOf(t, 'conversation.end')).toEqual([{ type: 'conversation.end', conversationId: 'conv-1' }]);
  });

  it('R8: a welcome saying it has ended settles the wait without a resend', () => {
    const t = holding(3);
    t.client.status = 'connecting';
    t.session.end();
    t.client.status = 'online';
    t.deliver(welcome({ id: 'conv-1', lastSeq: 4, status: 'ended' }));
    expect(sentOf(t, 'conversation.end')).toEqual([]);
    expect(t.session.view).toMatchObject({ status: 'ended', ending: false });
  });

  it('an error without a clientId while ending lets the visitor ask again', () => {
    const t = holding(3);
    t.session.end();
    t.deliver(error('conversation_not_found'));
    expect(t.session.view.ending).toBe(false);
    t.session.end();
    expect(sentOf(t, 'conversation.end')).toHaveLength(2);
  });

  it('without a conversation, or once it is over, end() sends nothing', () => {
    const t = newVisitor({ online: true, offlineFields: FIELDS });
    t.session.end();
    const over = ended();
    over.session.end();
    expect([...sentOf(t, 'conversation.end'), ...sentOf(over, 'conversation.end')]).toEqual([]);
  });

  it.each(['ended_by_visitor', 'closed'] as const)('R8: after %s the end panel is shown, online or offline', (kind) => {
    const t = ended(kind);
    expect(panel(t)).toBe('end');
    t.deliver(availability(false));
    expect(panel(t)).toBe('end');
  });

  it('R8: the agent closing after the visitor ended keeps it closed', () => {
    const t = ended();
    t.deliver(eventFrame(ev(5, { kind: 'closed', author: ANA, text: null })));
    expect(t.session.view.status).toBe('closed');
    t.deliver(history('conv-1', [ev(4, { kind: 'ended_by_visitor', author: VISITOR, text: null })], false, 5));
    expect(t.session.view.status).toBe('closed');
  });

  it('R8: a resumed conversation that is over shows the end panel after a reload', () => {
    const t = setup({ stored: STORED });
    t.deliver(welcome({ id: 'conv-1', lastSeq: 4, status: 'closed' }));
    expect(t.session.view).toMatchObject({ conversationId: 'conv-1', status: 'closed' });
    expect(panel(t)).toBe('end');
  });

  it('R8: a message written after the end names no conversation (it starts a new one)', () => {
    const t = ended();
    t.session.send('Olá de novo');
    expect(t.messages().at(-1)).toEqual({ type: 'message.send', clientId: expect.any(String), text: 'Olá de novo' });
  });
});

describe('R8: New conversation', () => {
  it('leaves the ended conversation: nothing held, nothing resumed, the composer back', () => {
    const t = ended();
    t.session.newConversation();
    expect(t.session.view).toMatchObject({ conversationId: null, events: [], status: null, rating: null, mail: null });
    expect(t.storedSession()).toMatchObject({ conversationId: null });
    expect(t.hello()).toMatchObject({ resume: null });
    expect(panel(t)).toBe('composer');
    t.deliver(availability(false));
    expect(panel(t)).toBe('form');
  });

  it('a late event of the left conversation (the agent wrapping up) does not bring it back', () => {
    const t = ended();
    t.session.newConversation();
    t.deliver(eventFrame(ev(5, { kind: 'closed', author: ANA, text: null })));
    t.deliver(eventFrame(ev(6, { kind: 'rated', author: VISITOR, text: null })));
    expect(t.session.view.conversationId).toBeNull();
    expect(sentOf(t, 'watch')).toEqual([]);
  });

  it('a welcome naming a conversation that is over, which this tab did not ask for, is not shown', () => {
    const t = ended();
    t.session.newConversation();
    t.deliver(welcome({ id: 'conv-1', lastSeq: 5, status: 'ended' }));
    expect(t.session.view.conversationId).toBeNull();
    expect(panel(t)).toBe('composer');
  });

  it('the next conversation\'s first event makes it the current, open one', () => {
    const t = ended();
    t.session.newConversation();
    t.session.send('Olá');
    t.deliver(eventFrame(ev(1, { conversationId: 'conv-2', kind: 'created', author: VISITOR, text: null })));
    expect(t.session.view).toMatchObject({ conversationId: 'conv-2', status: 'open' });
    expect(panel(t)).toBe('composer');
  });
});

describe('T5: rating', () => {
  it('T5: rate() sends conversation.rate with the trimmed comment; done thanks the visitor', () => {
    const t = ended();
    t.session.rate(4, '  Great help  ');
    const [frame] = sentOf(t, 'conversation.rate');
    expect(frame).toEqual({ type: 'conversation.rate', clientId: expect.any(String), conversationId: 'conv-1', score: 4, comment: 'Great help' });
    expect(valid(frame)).toBe(true);
    expect(t.session.view.rating).toMatchObject({ state: 'sending', score: 4 });
    t.deliver(done(frame!.clientId));
    expect(t.session.view.rating).toEqual({ clientId: frame!.clientId, state: 'done', code: null, message: null, score: 4 });
  });

  it('T5: a blank comment is left out', () => {
    const t = ended();
    t.session.rate(5, '   ');
    expect(sentOf(t, 'conversation.rate')[0]).not.toHaveProperty('comment');
  });

  it('T5: conflict means rated already: thanks all the same', () => {
    const t = ended();
    t.session.rate(2, '');
    t.deliver(error('conflict', sentOf(t, 'conversation.rate')[0]!.clientId));
    expect(t.session.view.rating).toMatchObject({ state: 'done', code: null });
  });

  it('T5: another error fails it; trying again is a new request', () => {
    const t = ended();
    t.session.rate(3, '');
    const [first] = sentOf(t, 'conversation.rate');
    t.deliver(error('not_ended', first!.clientId));
    expect(t.session.view.rating).toMatchObject({ state: 'failed', code: 'not_ended', score: 3 });
    t.session.rate(3, '');
    expect(sentOf(t, 'conversation.rate')[1]!.clientId).not.toBe(first!.clientId);
  });

  it('T5: the rated event settles it too, also when replayed after a reload', () => {
    const t = ended();
    t.session.rate(5, '');
    t.deliver(eventFrame(ev(5, { kind: 'rated', author: VISITOR, text: null, data: { score: 5, comment: null } })));
    expect(t.session.view.rating).toMatchObject({ state: 'done', score: 5 });
    t.deliver(welcome({ id: 'conv-1', lastSeq: 5, status: 'ended' }));
    expect(sentOf(t, 'conversation.rate')).toHaveLength(1); // settled: not resent

    const reloaded = setup({ stored: STORED });
    reloaded.deliver(welcome({ id: 'conv-1', lastSeq: 5, status: 'ended' }));
    reloaded.deliver(history('conv-1', [ev(4, { kind: 'ended_by_visitor', author: VISITOR, text: null }), ev(5, { kind: 'rated', author: VISITOR, text: null, data: { score: 2, comment: null } })], true));
    expect(reloaded.session.view.rating).toMatchObject({ state: 'done', score: 2 });
  });

  it('T5: a rating not answered yet is resent after a reconnect with its clientId', () => {
    const t = ended();
    t.session.rate(4, '');
    t.deliver(welcome({ id: 'conv-1', lastSeq: 4, status: 'ended' }));
    const [first, again] = sentOf(t, 'conversation.rate');
    expect(again).toEqual(first);
  });
});

describe('T6: transcript by e-mail', () => {
  it('T6: emailTranscript() sends transcript.email; done says it was sent', () => {
    const t = ended();
    t.session.emailTranscript('ana@example.com');
    const [frame] = sentOf(t, 'transcript.email');
    expect(frame).toEqual({ type: 'transcript.email', clientId: expect.any(String), conversationId: 'conv-1', email: 'ana@example.com' });
    expect(valid(frame)).toBe(true);
    t.deliver(done(frame!.clientId));
    expect(t.session.view.mail).toMatchObject({ state: 'done', email: 'ana@example.com' });
  });

  it('T8: email_off is a failure the panel names', () => {
    const t = ended();
    t.session.emailTranscript('ana@example.com');
    t.deliver(error('email_off', sentOf(t, 'transcript.email')[0]!.clientId));
    expect(t.session.view.mail).toMatchObject({ state: 'failed', code: 'email_off' });
  });

  it('L3/L4: a transcript refused rate_limited for longer than a minute fails (the visitor may ask again), and is not resent', () => {
    const t = ended();
    t.session.emailTranscript('ana@example.com');
    const [frame] = sentOf(t, 'transcript.email');
    t.deliver({ ...error('rate_limited', frame!.clientId), retryAfterMs: 3_600_000 } as ServerFrame);
    expect(t.session.view.mail).toMatchObject({ state: 'failed', code: 'rate_limited' });
    vi.advanceTimersByTime(3_600_000);
    expect(sentOf(t, 'transcript.email')).toHaveLength(1);
  });

  it('L3: a transcript refused rate_limited for a few seconds is resent after them, still sending meanwhile', () => {
    const t = ended();
    t.session.emailTranscript('ana@example.com');
    const [frame] = sentOf(t, 'transcript.email');
    t.deliver({ ...error('rate_limited', frame!.clientId), retryAfterMs: 5_000 } as ServerFrame);
    expect(t.session.view.mail?.state).toBe('sending');
    vi.advanceTimersByTime(5_000);
    expect(sentOf(t, 'transcript.email')).toEqual([frame, frame]);
  });

  it('rating and e-mail belong to their conversation: a switch forgets them and stops their resends', () => {
    const t = ended();
    t.session.rate(4, '');
    t.session.emailTranscript('ana@example.com');
    t.session.newConversation();
    expect(t.session.view).toMatchObject({ rating: null, mail: null });
    t.deliver(welcome(null));
    expect([...sentOf(t, 'conversation.rate'), ...sentOf(t, 'transcript.email')]).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../shared/protocol';
import { summaryFixture } from '../../shared/test/summary';
import { alertsFor, planNotification, tabTitle, type Alert, type AlertContext, type NotifyContext } from './notifications';

const ME = 'agent-1';
const base = summaryFixture({
  siteId: 's',
  visitorId: 'v1',
  visitorName: 'Bia',
  lastSeq: 2,
  lastMessage: { text: 'Oi', authorKind: 'visitor', at: 100 },
  createdAt: 0,
  updatedAt: 100,
  queueId: 'sales',
  queuedAt: 0,
  firstMessage: 'Oi',
});
const s = (patch: Partial<ConversationSummary>): ConversationSummary => ({ ...base, ...patch });
const ctx: AlertContext = { agentId: ME, role: 'agent', queueIds: ['sales'], currentId: null };
const offerToMe = { agentId: ME, agentName: 'Ana', expiresAt: 5_000 };
const next = (patch: Partial<ConversationSummary>) => s({ lastSeq: 3, lastMessage: { text: 'Alô?', authorKind: 'visitor', at: 200 }, ...patch });
const req = { kind: 'transfer' as const, fromAgentId: 'agent-2', toAgentId: ME, toQueueId: null, toName: 'Ana', expiresAt: 9_000 };

describe('alertsFor', () => {
  it.each<[string, ConversationSummary | undefined, ConversationSummary, AlertContext, Array<Alert['kind']>]>([
    ['a new conversation waiting in New', undefined, s({}), ctx, ['message']],
    ['a new visitor message in New', s({}), next({}), ctx, ['message']],
    ['a new visitor message in my conversation', s({ assignedAgentId: ME }), next({ assignedAgentId: ME }), ctx, ['message']],
    ['a new message in a conference I joined', s({ assignedAgentId: 'a2', participants: [{ id: ME, name: 'Ana' }] }), next({ assignedAgentId: 'a2', participants: [{ id: ME, name: 'Ana' }] }), ctx, ['message']],
    ['a supervisor: message in someone else\'s conversation', s({ assignedAgentId: 'a2' }), next({ assignedAgentId: 'a2' }), { ...ctx, role: 'supervisor' }, []],
    ['my own reply', s({ assignedAgentId: ME }), next({ assignedAgentId: ME, lastMessage: { text: 'Olá', authorKind: 'agent', at: 200 } }), ctx, []],
    ['the same summary again', s({}), s({}), ctx, []],
    ['a workflow event (priority) after the visitor message', s({}), s({ lastSeq: 3, priority: 3 }), ctx, []],
    ['a bot conversation', undefined, s({ bot: true }), { ...ctx, role: 'supervisor' }, []],
    ['an offer to me (the message is in it)', s({}), next({ offer: offerToMe }), ctx, ['offer']],
    ['an offer to me with no new message', s({}), s({ lastSeq: 3, offer: offerToMe }), ctx, ['offer']],
    ['the same offer again', s({ offer: offerToMe }), s({ lastSeq: 3, offer: offerToMe }), ctx, []],
    ['an offer to me again after a no-answer elsewhere', s({ offer: offerToMe }), s({ lastSeq: 5, offer: { ...offerToMe, expiresAt: 8_000 } }), ctx, ['offer']],
    ['an offer to another agent', s({}), s({ lastSeq: 3, offer: { ...offerToMe, agentId: 'a2' } }), ctx, []],
    ['an offer in a closed conversation', s({}), s({ lastSeq: 3, status: 'closed', offer: offerToMe }), ctx, []],
    ['a transfer to me', s({ assignedAgentId: 'agent-2' }), s({ assignedAgentId: 'agent-2', lastSeq: 3, request: req }), ctx, ['request']],
    ['an invitation to my queue', s({ assignedAgentId: 'agent-2' }), s({ assignedAgentId: 'agent-2', lastSeq: 3, request: { ...req, kind: 'conference', toAgentId: null, toQueueId: 'sales' } }), ctx, ['request']],
    ['a transfer to another queue', s({ assignedAgentId: 'agent-2' }), s({ assignedAgentId: 'agent-2', lastSeq: 3, request: { ...req, toAgentId: null, toQueueId: 'support' } }), ctx, []],
    ['my own transfer request', s({ assignedAgentId: ME }), s({ assignedAgentId: ME, lastSeq: 3, request: { ...req, fromAgentId: ME, toAgentId: 'a2' } }), ctx, []],
    ['the same request again', s({ request: req }), s({ lastSeq: 3, request: req }), ctx, []],
  ])('%s', (_name, prev, nextSummary, context, kinds) => {
    expect(alertsFor(prev, nextSummary, context).map((a) => a.kind)).toEqual(kinds);
  });

  it('carries the text: the first message for an offer, the new message otherwise; and whether it is on screen', () => {
    expect(alertsFor(s({}), next({ offer: offerToMe, firstMessage: 'Primeira' }), ctx)[0]).toMatchObject({ kind: 'offer', text: 'Primeira', current: false });
    expect(alertsFor(s({}), next({}), { ...ctx, currentId: 'c1' })[0]).toMatchObject({ kind: 'message', text: 'Alô?', current: true, visitorName: 'Bia' });
  });
});

describe('planNotification', () => {
  const strings = {
    offerTitle: (v: string) => `offer ${v}`,
    requestTitle: (v: string) => `request ${v}`,
    messageTitle: (v: string) => `message ${v}`,
    hiddenBody: 'hidden',
    inviteTitle: (v: string) => `invite ${v}`,
  };
  const alert = (patch: Partial<Alert>): Alert => ({ kind: 'message', conversationId: 'c1', visitorId: 'v', visitorName: 'Bia', text: 'Oi', current: false, ...patch });
  const on = { sound: true, preview: true };
  const nc = (patch: Partial<NotifyContext>): NotifyContext => ({ prefs: on, attentive: false, permission: 'granted', ...patch });

  it.each<[string, Alert, NotifyContext, boolean, { title: string; body: string } | null]>([
    ['away, everything on', alert({}), nc({}), true, { title: 'message Bia', body: 'Oi' }],
    ['preview off: no message text', alert({}), nc({ prefs: { sound: true, preview: false } }), true, { title: 'message Bia', body: 'hidden' }],
    ['sound off', alert({}), nc({ prefs: { sound: false, preview: true } }), false, { title: 'message Bia', body: 'Oi' }],
    ['no permission: sound only', alert({}), nc({ permission: 'default' }), true, null],
    ['denied', alert({}), nc({ permission: 'denied' }), true, null],
    ['unsupported browser', alert({}), nc({ permission: 'unsupported' }), true, null],
    ['looking at the console: sound, no desktop', alert({}), nc({ attentive: true }), true, null],
    ['the conversation on screen while looking: nothing', alert({ current: true }), nc({ attentive: true }), false, null],
    ['the conversation on screen but the tab hidden', alert({ current: true }), nc({}), true, { title: 'message Bia', body: 'Oi' }],
    ['an offer on screen while looking still rings', alert({ kind: 'offer', current: true }), nc({ attentive: true }), true, null],
    ['an offer while away', alert({ kind: 'offer', text: 'Primeira' }), nc({}), true, { title: 'offer Bia', body: 'Primeira' }],
    ['a request with no text', alert({ kind: 'request', text: null }), nc({}), true, { title: 'request Bia', body: 'hidden' }],
    ['issue 15: a conference invitation says so', alert({ kind: 'request', text: null, conference: true }), nc({}), true, { title: 'invite Bia', body: 'hidden' }],
  ])('%s', (_name, a, context, sound, desktop) => {
    const plan = planNotification(a, context, strings, 'Bia');
    expect(plan.sound).toBe(sound);
    expect(plan.desktop && { title: plan.desktop.title, body: plan.desktop.body }).toEqual(desktop);
  });

  it('one desktop notification per conversation and kind (the tag replaces an older one)', () => {
    expect(planNotification(alert({}), nc({}), strings, 'Bia').desktop?.tag).toBe('message:c1');
  });
});

describe('tabTitle', () => {
  it.each([
    [0, 'Papo · Console'],
    [1, '(1) Papo · Console'],
    [12, '(12) Papo · Console'],
  ])('%i -> %s', (n, title) => expect(tabTitle(n)).toBe(title));
});

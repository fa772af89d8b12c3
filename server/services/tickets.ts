/**
 * @module Tickets (issue 4, SPEC T1-T8): the visitor's leave-a-message form, waiting chats turned into
 * tickets, "end conversation and create ticket", agents' work on tickets, the visitor's rating and the
 * transcript by e-mail. Ticket numbers and idempotency live in the store; rules in domain/tickets.ts.
 */
import { TICKET_STATUSES, type Ticket, type TicketEntry, type TicketFilterQuery } from '../../shared/api';
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { renderTranscript } from '../../shared/transcript';
import type { LimitKey } from '../domain/client-ip';
import { canView, VISITOR_VISIBLE_KINDS, type AgentActor, type VisitorActor } from '../domain/conversation';
import { mailboxKey, mailLocale, ticketConfirmation, ticketReply, transcriptMail } from '../domain/mail';
import { matchesAll, searchTerms } from '../domain/search';
import { decideFollowUp, decideRate, decideTicketClose, decideTicketEmail, formFields, readForm, subjectOf } from '../domain/tickets';
import { AppError } from '../errors';
import { MAIL_TEXT } from '../i18n/mail-text';
import { uuidv7 } from '../ids';
import type { Logger } from '../log';
import type { NewTicket, Site, Store, TicketPatch } from '../store/store';
import type { Ack, ConversationService } from './conversations';
import type { Directory } from './directory';
import type { Mailer } from './mailer';
import type { MaskingPolicy } from './masking-policy';
import type { Safety } from './safety';

export interface TicketDeps {
  store: Store;
  /** Issue 6, SPEC M1/M2: tickets shown masked to agents in `mask`; a requester's name stored masked in `redact`. */
  masking: MaskingPolicy;
  directory: Directory;
  conversations: ConversationService;
  mailer: Mailer;
  /** Issue 11 F1 (SPEC L3, L4): requests and mail a visitor can cause. */
  limits: Pick<Safety, 'ticketRequest' | 'transcriptRequest' | 'unconfirmedMail'>;
  log: Logger;
  now: () => number;
}

/**
 * Where a visitor's request comes from (SPEC L3, L4): its address's limit key, and the e-mail the site
 * vouched for in this socket's identity proof (a JWT's `email`; null without one).
 */
export interface RequestOrigin {
  limitKey: LimitKey;
  verifiedEmail: string | null;
}

const TRANSCRIPT_LIMIT = 5_000;

export type TicketService = ReturnType<typeof createTicketService>;

export function createTicketService({ store, directory, conversations, mailer, limits, log, now, masking }: TicketDeps) {
  /** Issue 6 `mask`: a ticket as agents read it (subject, description, requester); the stored one is raw. */
  const view = (t: Ticket): Ticket =>
    masking.modeOf(t.siteId) === 'mask'
      ? {
          ...t,
          subject: masking.field(t.siteId, t.subject),
          description: masking.field(t.siteId, t.description),
          requester: { ...t.requester, name: masking.field(t.siteId, t.requester.name), email: masking.field(t.siteId, t.requester.email) },
        }
      : t;
  /** SPEC M2: a history entry as agents read it: a change's requester name and e-mail masked. */
  const viewEntry = (siteId: string, e: TicketEntry): TicketEntry =>
    viewRequesterChange(siteId, e);
  /** Issue 15: a change the requester made (no agent) names it: masked like its name in `mask`. */
  const viewRequesterChange = (siteId: string, e: TicketEntry): TicketEntry =>
    masking.modeOf(siteId) === 'mask' && e.authorId === null && e.authorName ? viewFields(siteId, { ...e, authorName: masking.field(siteId, e.authorName) }) : viewFields(siteId, e);
  const viewFields = (siteId: string, e: TicketEntry): TicketEntry =>
    masking.modeOf(siteId) === 'mask' && e.data && ('requesterName' in e.data || 'requesterEmail' in e.data)
      ? {
          ...e,
          data: {
            ...e.data,
            ...(typeof e.data.requesterName === 'string' ? { requesterName: masking.field(siteId, e.data.requesterName) } : {}),
            ...(typeof e.data.requesterEmail === 'string' ? { requesterEmail: masking.field(siteId, e.data.requesterEmail) } : {}),
          },
        }
      : e;

  async function transcriptOf(conversationId: string, kinds?: readonly string[]): Promise<ConversationEvent[]> {
    return store.events.after(conversationId, 0, { limit: TRANSCRIPT_LIMIT, ...(kinds ? { kinds } : {}) });
  }

  /** SPEC L4: an address is confirmed when it reaches the mailbox the site vouched for. */
  const isConfirmed = (email: string, from: RequestOrigin) => from.verifiedEmail !== null && mailboxKey(from.verifiedEmail) === mailboxKey(email);

  /**
   * SPEC T8, L4, L5: the requester hears that its message became ticket #N (when it left an e-mail), under a
   * fixed subject in the site's language. To an unconfirmed address: once per window, and without quoting.
   */
  async function confirm(ticket: Ticket, site: Site | null, confirmed: boolean): Promise<void> {
    const to = ticket.requester.email;
    if (!to || !mailer.enabled) return;
    const held = confirmed ? null : limits.unconfirmedMail(to);
    if (!confirmed && !held) {
      log.debug('ticket confirmation not sent: its mailbox had a mail this window (SPEC L4)', { ticket: ticket.number });
      return;
    }
    const mail = ticketConfirmation({ locale: mailLocale(site?.widget?.locale), site: site?.name ?? '', number: ticket.number, message: ticket.description, confirmed });
    void mailer.send({ to, ...mail }).then((sent) => sent || held?.refund());
  }

  async function create(ticket: Omit<NewTicket, 'id' | 'createdAt'>): Promise<{ ticket: Ticket; created: boolean }> {
    const at = now();
    return store.tickets.create({ ...ticket, id: uuidv7(at), createdAt: at });
  }

  function subjectFrom(c: ConversationSummary): string {
    return subjectOf(c.firstMessage ?? '') || `Chat ${c.id.slice(-6)}`;
  }

  async function requesterOf(c: ConversationSummary): Promise<Ticket['requester']> {
    const visitor = await store.visitors.byId(c.visitorId);
    return { name: c.visitorName ?? visitor?.name ?? null, email: c.requesterEmail ?? visitor?.email ?? null, visitorId: c.visitorId };
  }

  async function load(actor: AgentActor, id: string): Promise<Ticket> {
    const ticket = await store.tickets.byId(id);
    if (!ticket) throw new AppError('ticket_not_found');
    void actor; // Every agent works every ticket of the server's sites (one team); roles narrow nothing here yet.
    return ticket;
  }

  /**
   * Issue 15: the ticket a visitor's chat became (SPEC T2, T3), named by the chat's `ticket_created` event;
   * null when it became none. Someone else's chat answers `conversation_not_found` (SPEC C1).
   */
  async function chatTicket(actor: VisitorActor, conversationId: string): Promise<Ticket | null> {
    const conversation = await conversations.load(actor, conversationId);
    if (conversation.status !== 'closed') return null;
    const [made] = await store.events.after(conversationId, 0, { kinds: ['ticket_created'], limit: 1 });
    const id = made?.data?.ticketId;
    return typeof id === 'string' ? store.tickets.byId(id) : null;
  }

  /** Issue 15: what the requester did to its ticket, on its history: a change by the requester (no agent). */
  async function requesterChange(ticket: Ticket, patch: TicketPatch, at: number): Promise<void> {
    await store.tickets.update(ticket.id, patch, at);
    const data = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== (ticket as unknown as Record<string, unknown>)[k] && !(k === 'requesterEmail' && v === ticket.requester.email))) as Record<string, string | number | null>;
    if (Object.keys(data).length > 0) {
      // Named by the requester's name or address (the console says "System" for a change by no one).
      const by = ticket.requester.name ?? patch.requesterEmail ?? ticket.requester.email;
      await store.tickets.addEntry({ id: uuidv7(at), ticketId: ticket.id, kind: 'change', authorId: null, authorName: by, text: null, data, emailed: null, at });
    }
  }

  return {
    /** A ticket as agents read it (issue 6 masking). */
    view,

    /** Issue 15: whether e-mail goes out at all (SMTP configured); the widget promises none when it does not. */
    emailOn: mailer.enabled,

    /**
     * Issue 15: a visitor's message into its chat after the chat became a ticket. Intercom and Zendesk keep
     * the thread: it goes into the chat's log (the ticket's transcript, where the agent reads it), the chat
     * stays closed, and a ticket waiting on the requester (pending, solved) reopens. Null when the chat
     * became no ticket; a closed ticket refuses (`conversation_closed`: the widget starts a new chat).
     */
    async followUp(actor: VisitorActor, frame: { clientId: string; conversationId: string; text: string }): Promise<Ack | null> {
      const ticket = await chatTicket(actor, frame.conversationId);
      if (!ticket) return null;
      let reopen: 'open' | null = null;
      const { seq } = await conversations.write(actor, { conversationId: frame.conversationId, visitor: null, clientId: frame.clientId }, (state) => {
        const decision = decideFollowUp(state, actor, frame.text, frame.clientId, ticket);
        reopen = decision.ok ? (decision.reopen ?? null) : null;
        return decision;
      });
      const at = now();
      // The ticket moves up the agents' list (newest update first); reopened, its history says by whom.
      if (reopen) await requesterChange(ticket, { status: reopen }, at);
      else await store.tickets.update(ticket.id, {}, at);
      return { conversationId: frame.conversationId, seq };
    },

    /**
     * Issue 15: the address the visitor gives, in its chat, for the ticket the chat became: the ticket's
     * requester e-mail (a change on its history), the visitor's own, and a `ticket_email` event the widget
     * reads. The confirmation goes to it as to any unconfirmed address (SPEC L4) when e-mail is on.
     */
    async setEmail(actor: VisitorActor, conversationId: string, email: string, from: RequestOrigin): Promise<void> {
      const ticket = await chatTicket(actor, conversationId);
      await conversations.apply(actor, conversationId, (state) => decideTicketEmail(state, actor, email, ticket));
      if (!ticket) return;
      await requesterChange(ticket, { requesterEmail: email }, now());
      await store.visitors.touch({ id: actor.visitorId, siteId: actor.siteId, email }, now());
      if (ticket.requester.email !== email) await confirm({ ...ticket, requester: { ...ticket.requester, email } }, await store.sites.byId(ticket.siteId), isConfirmed(email, from));
    },
    /** Issue 15: whether replies and transcripts can be e-mailed at all (SMTP is set). */
    mailOn: (): boolean => mailer.enabled,

    /**
     * SPEC T1/T7: the offline form. The same clientId answers the ticket it made first. SPEC L3: a form
     * that passes its checks counts in its address's and visitor's budget (a resend gives it back).
     */
    async fromForm(actor: VisitorActor, site: Site, clientId: string, values: Record<string, string>, from: RequestOrigin): Promise<Ticket> {
      const form = readForm(formFields(site.ticketing), values);
      if (!form.ok) throw new AppError(form.code, form.message ?? (form.code === 'invalid_request' ? `Unknown field "${form.field.slice(0, 40)}".` : `${form.field}: ${new AppError(form.code).message}`));
      const counted = limits.ticketRequest(from.limitKey, actor.visitorId);
      const { ticket, created } = await create({
        siteId: site.id,
        status: 'open',
        type: 'question',
        priority: 1,
        // Issue 6 `redact`: the form's fields arrive redacted, like every visitor frame (SPEC M1).
        subject: form.subject,
        description: form.description,
        requester: { name: form.requesterName, email: form.email, visitorId: actor.visitorId },
        assigneeId: null,
        assigneeName: null,
        conversationId: null,
        source: 'offline_form',
        clientId,
      }).catch((err: unknown) => {
        counted.refund();
        throw err;
      });
      if (!created) counted.refund();
      if (created) {
        await confirm(ticket, site, isConfirmed(form.email, from));
        await store.visitors.touch({ id: actor.visitorId, siteId: site.id, email: form.email, ...(form.requesterName ? { name: form.requesterName } : {}) }, now());
      }
      return ticket;
    },

    /** SPEC T2: a waiting conversation nobody can take becomes a ticket with its transcript, and closes. */
    async fromWaiting(c: ConversationSummary): Promise<Ticket | null> {
      const { ticket, created } = await create({
        siteId: c.siteId,
        status: 'open',
        type: 'question',
        priority: c.priority,
        subject: subjectFrom(c),
        description: c.firstMessage ?? '',
        requester: await requesterOf(c),
        assigneeId: null,
        assigneeName: null,
        conversationId: c.id,
        source: 'auto',
        clientId: `auto:${c.id}`,
      });
      try {
        await conversations.apply({ kind: 'system' }, c.id, (state) => decideTicketClose(state, null, ticket));
      } catch (err) {
        // Someone took it meanwhile: the ticket stays (nothing is lost), the chat goes on.
        if (!(err instanceof AppError)) throw err;
        log.debug('waiting conversation was taken before it became a ticket', { conversationId: c.id });
      }
      // SPEC L4: no socket vouches for the requester here; it is an unconfirmed address.
      if (created) await confirm(ticket, await store.sites.byId(c.siteId), false);
      return ticket;
    },

    /** SPEC T3: the agent ends the chat and opens a ticket with its transcript. */
    async endWithTicket(actor: AgentActor, conversationId: string, input: { subject?: string; type: Ticket['type']; priority?: number }) {
      const c = await conversations.load(actor, conversationId);
      if (c.status === 'closed') throw new AppError('conversation_closed');
      if (c.assignedAgentId !== actor.id && actor.role === 'agent') throw new AppError('not_holder');
      const { ticket } = await create({
        siteId: c.siteId,
        status: 'open',
        type: input.type,
        priority: input.priority ?? c.priority,
        subject: input.subject ?? subjectFrom(c),
        description: c.firstMessage ?? '',
        requester: await requesterOf(c),
        assigneeId: actor.id,
        assigneeName: actor.name,
        conversationId: c.id,
        source: 'agent',
        clientId: `end:${c.id}`,
      });
      const conversation = await conversations.apply(actor, c.id, (state) => decideTicketClose(state, actor, ticket));
      return { conversation, ticket };
    },

    /** An agent's ticket, linked to a conversation it can see when one is named (the "chamado"). */
    async create(actor: AgentActor, input: { subject: string; description: string; type: Ticket['type']; priority: number; status: Ticket['status']; conversationId?: string; requesterName?: string | null; requesterEmail?: string | null }) {
      const c = input.conversationId ? await conversations.load(actor, input.conversationId) : null;
      const siteId = c?.siteId ?? (await store.sites.list())[0]?.id;
      if (!siteId) throw new AppError('not_found', 'No site.');
      const requester = c ? await requesterOf(c) : { name: null, email: null, visitorId: null };
      const { ticket } = await create({
        siteId,
        status: input.status,
        type: input.type,
        priority: input.priority,
        subject: input.subject,
        description: input.description,
        requester: { ...requester, ...(input.requesterName !== undefined ? { name: masking.incoming(siteId, input.requesterName) } : {}), ...(input.requesterEmail !== undefined ? { email: input.requesterEmail } : {}) },
        assigneeId: actor.id,
        assigneeName: actor.name,
        conversationId: c?.id ?? null,
        source: 'agent',
        clientId: null,
      });
      return ticket;
    },

    async list(actor: AgentActor, filter: TicketFilterQuery): Promise<Ticket[]> {
      void actor;
      const list = await store.tickets.list({
        ...(filter.status ? { status: filter.status } : { status: ['open', 'pending'] }),
        ...(filter.type ? { type: filter.type } : {}),
        ...(filter.priority !== undefined ? { priority: filter.priority } : {}),
        ...(filter.assignee ? { assigneeId: filter.assignee } : {}),
        ...(filter.conversation ? { conversationId: filter.conversation, status: TICKET_STATUSES } : {}),
        ...(filter.q ? { text: filter.q } : {}),
        limit: filter.limit ?? 200,
      });
      if (!filter.q) return list.map(view);
      // SPEC S3 as search: in a `mask` site a ticket found only by a masked value (a card number, an e-mail)
      // is left out, as the words must still be there in the ticket as agents read it (or q is its number).
      const terms = searchTerms(filter.q);
      const number = /^#?\d{1,15}$/.test(filter.q.trim()) ? Number(filter.q.trim().replace('#', '')) : null;
      const words = (t: Ticket) => [t.subject, t.description, t.requester.name ?? '', t.requester.email ?? ''].join('\n');
      return list.map((t) => [t, view(t)] as const)
        .filter(([raw, shown]) => shown.number === number || words(shown) === words(raw) || matchesAll(words(shown), terms))
        .map(([, shown]) => shown);
    },

    /** `ref`: the ticket's id, or its number (issue 15: the console's URL /console/tickets/:n names it so). */
    async detail(actor: AgentActor, ref: string): Promise<{ ticket: Ticket; entries: TicketEntry[]; transcript: ConversationEvent[] }> {
      const byNumber = /^\d{1,15}$/.test(ref) ? await store.tickets.byNumber(Number(ref)) : null;
      const ticket = await load(actor, byNumber?.id ?? ref);
      const id = ticket.id;
      const conversation = ticket.conversationId ? await store.conversations.byId(ticket.conversationId) : null;
      const raw = conversation && canView(actor, conversation) ? await transcriptOf(conversation.id) : [];
      const transcript = conversation ? masking.events(raw, conversation.siteId) : raw;
      return { ticket: view(ticket), entries: (await store.tickets.entries(id)).map((e) => viewEntry(ticket.siteId, e)), transcript };
    },

    async update(actor: AgentActor, id: string, patch: TicketPatch): Promise<Ticket> {
      const before = await load(actor, id);
      if (patch.requesterName) patch = { ...patch, requesterName: masking.incoming(before.siteId, patch.requesterName) };
      if (patch.assigneeId !== undefined) {
        if (patch.assigneeId !== null && patch.assigneeId !== actor.id && actor.role === 'agent') throw new AppError('forbidden', 'Agents assign tickets to themselves.');
        const record = patch.assigneeId === null ? null : directory.record(patch.assigneeId);
        if (patch.assigneeId !== null && !record) throw new AppError('not_found', 'No such agent.');
        patch = { ...patch, assigneeName: record?.name ?? null };
      }
      const at = now();
      const ticket = await store.tickets.update(id, patch, at);
      if (!ticket) throw new AppError('ticket_not_found');
      const changed = Object.fromEntries(
        Object.entries(patch).filter(([k, v]) => k !== 'assigneeName' && v !== (k === 'requesterName' ? before.requester.name : k === 'requesterEmail' ? before.requester.email : (before as unknown as Record<string, unknown>)[k])),
      ) as Record<string, string | number | null>;
      if (Object.keys(changed).length > 0) {
        await store.tickets.addEntry({ id: uuidv7(at), ticketId: id, kind: 'change', authorId: actor.id, authorName: actor.name, text: null, data: changed, emailed: null, at });
      }
      return ticket;
    },

    async note(actor: AgentActor, id: string, text: string): Promise<Ticket> {
      const ticket = await load(actor, id);
      const at = now();
      await store.tickets.addEntry({ id: uuidv7(at), ticketId: id, kind: 'note', authorId: actor.id, authorName: actor.name, text, data: null, emailed: null, at });
      return (await store.tickets.update(id, {}, at)) ?? ticket;
    },

    /** SPEC T4/T8: a reply to the requester, e-mailed when there is an address and e-mail is on. */
    async reply(actor: AgentActor, id: string, text: string): Promise<Ticket> {
      const ticket = await load(actor, id);
      const site = ticket.requester.email ? await store.sites.byId(ticket.siteId) : null;
      // SPEC L5: the subject is the ticket's number and the site, never its (visitor-written) subject.
      const emailed = ticket.requester.email
        ? await mailer.send({ to: ticket.requester.email, ...ticketReply({ locale: mailLocale(site?.widget?.locale), site: site?.name ?? '', number: ticket.number, text, agentName: actor.name }) })
        : false;
      const at = now();
      await store.tickets.addEntry({ id: uuidv7(at), ticketId: id, kind: 'reply', authorId: actor.id, authorName: actor.name, text, data: null, emailed, at });
      return (await store.tickets.update(id, ticket.status === 'open' ? { status: 'pending' } : {}, at)) ?? ticket;
    },

    /**
     * SPEC T5: once per conversation, after it ended. A rating already in the log is refused before the write;
     * two at once (two tabs, maybe on two nodes) are decided in the write: the database's one-rating index
     * (events_one_rating, issue 14) stores the first and refuses the other with `conflict`.
     */
    async rate(actor: VisitorActor, conversationId: string, score: number, comment: string | null): Promise<void> {
      const rated = await store.events.after(conversationId, 0, { kinds: ['rated'], limit: 1 });
      await conversations.apply(actor, conversationId, (state) => decideRate(state, actor, score, comment, rated.length > 0));
    },

    /**
     * SPEC T6/T8: the whole transcript, as the visitor may see it, to the address given. SPEC L3-L5: within
     * the address's and visitor's budgets, once per window to an unconfirmed address, under a fixed subject.
     */
    async emailTranscript(actor: VisitorActor, conversationId: string, email: string, from: RequestOrigin): Promise<void> {
      if (!mailer.enabled) throw new AppError('email_off');
      const conversation = await conversations.load(actor, conversationId);
      const confirmed = isConfirmed(email, from);
      const counted = limits.transcriptRequest(from.limitKey, actor.visitorId, email, confirmed);
      let sent = false;
      try {
        const site = await store.sites.byId(conversation.siteId);
        const locale = mailLocale(site?.widget?.locale);
        const transcript = renderTranscript(await transcriptOf(conversationId, VISITOR_VISIBLE_KINDS), MAIL_TEXT[locale].transcript, 'America/Sao_Paulo');
        sent = await mailer.send({ to: email, ...transcriptMail({ locale, site: site?.name ?? '', transcript, confirmed }) });
      } finally {
        // Only a mail that went out counts (SPEC L3, L4).
        if (!sent) counted.refund();
      }
      if (!sent) throw new AppError('internal', 'The e-mail could not be sent; try again later.');
    },
  };
}

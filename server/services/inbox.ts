/**
 * @module What an agent reads of the conversations and visitors (issue 3, SPEC R10, M2): the lists, one
 * conversation with its visitor panel, the visitors online now. Every read keeps to what the caller may see
 * and goes through the site's masking; the writes are services/workflow.ts's.
 */
import type { ConversationDetailAnswer, ConversationListAnswer, ConversationListQuery, LiveVisitorsAnswer } from '../../shared/api';
import type { ConversationSummary } from '../../shared/protocol';
import { canReadHistory, canView, type AgentActor } from '../domain/conversation';
import { decodeCursor, encodeCursor, pageOf } from '../domain/list-cursor';
import { may } from '../domain/roles';
import { visitorSites } from '../domain/visitor-sight';
import { AppError } from '../errors';
import type { Store } from '../store/store';
import type { Directory } from './directory';
import type { LiveVisitors } from './live-visitors';
import type { MaskingPolicy } from './masking-policy';

export interface InboxDeps {
  store: Store;
  masking: MaskingPolicy;
  directory: Pick<Directory, 'queues'>;
  liveVisitors: LiveVisitors;
}

export type Inbox = ReturnType<typeof createInbox>;

export function createInbox({ store, masking, directory, liveVisitors }: InboxDeps) {
  /** SPEC R10, R11: the sites whose online visitors this agent sees; null: all of them. */
  const sitesOf = async (actor: AgentActor) => visitorSites(actor, directory.queues(), await store.sites.list());

  /** The conversation as stored (not masked), when the actor may see it; else `conversation_not_found`. */
  async function visible(actor: AgentActor, id: string): Promise<ConversationSummary> {
    const conversation = await store.conversations.byId(id);
    if (!conversation || !canView(actor, conversation)) throw new AppError('conversation_not_found');
    return conversation;
  }

  return {
    async list(actor: AgentActor, q: ConversationListQuery): Promise<ConversationListAnswer> {
      const supervisor = may(actor.role, 'supervise');
      if (q.agent !== undefined && !supervisor && q.agent !== actor.id) throw new AppError('forbidden');
      const after = q.cursor === undefined ? undefined : (decodeCursor(q.cursor) ?? undefined);
      if (q.cursor !== undefined && after === undefined) throw new AppError('invalid_cursor');
      const open = q.view === 'open';
      // Issue 12: every filter is read in SQL, on an index in the list's order for Closed and Archived, one row
      // past the page to know whether another follows. R10: a plain agent sees of a closed conversation only
      // those assigned to it or it joined as a guest (canView), which `heldBy` reads in SQL too, so no page comes back short.
      const rows = await store.conversations.list({
        status: open ? (['open', 'ended'] as const) : 'closed',
        ...(open ? {} : { archived: q.view === 'archived' }),
        ...(q.queue ? { queueId: q.queue } : {}),
        ...(q.agent ? { agentId: q.agent } : {}),
        ...(q.label === undefined ? {} : { label: q.label.toLowerCase() }),
        ...(q.priority === undefined ? {} : { priority: q.priority }),
        ...(!open && !supervisor ? { heldBy: actor.id } : {}),
        ...(after ? { after } : {}),
        limit: q.limit + 1,
      });
      const { page, next } = pageOf(rows, q.limit);
      // The open view's visibility (queues, offers, requests) stays a check on each row: live conversations are
      // few. On a closed row it repeats what heldBy read.
      const conversations = page.filter((x) => canView(actor, x)).map((x) => masking.summary(x));
      return { conversations, nextCursor: next && encodeCursor(next) };
    },

    visible,

    async detail(actor: AgentActor, id: string): Promise<ConversationDetailAnswer> {
      const conversation = await store.conversations.byId(id);
      if (!conversation) throw new AppError('conversation_not_found');
      const [visitor, previous] = await Promise.all([
        store.visitors.byId(conversation.visitorId),
        store.conversations.list({ visitorId: conversation.visitorId, limit: 20 }),
      ]);
      // SPEC R10 history: a plain agent reads a visitor's past conversations with everyone (read-only, masked),
      // when it may see one of that visitor's conversations.
      if (!canReadHistory(actor, conversation, canView(actor, conversation) ? [] : await store.conversations.list({ visitorId: conversation.visitorId, limit: 200 }))) {
        throw new AppError('conversation_not_found');
      }
      const live = liveVisitors.visitor(conversation.visitorId);
      const page = live?.page ?? (visitor?.lastPageUrl ? { url: visitor.lastPageUrl, title: visitor.lastPageTitle, referrer: visitor.referrer } : null);
      // SPEC M2: everything the visitor sent, as this site's agents may see it.
      const shown = (value: string | null) => masking.field(conversation.siteId, value);
      return {
        conversation: masking.summary(conversation),
        visitor: {
          id: conversation.visitorId,
          name: shown(conversation.visitorName ?? visitor?.name ?? null),
          email: shown(conversation.requesterEmail ?? visitor?.email ?? null),
          currentPage: page ? { url: shown(page.url)!, title: shown(page.title) } : null,
          referrer: shown(page?.referrer ?? null),
          browser: shown(visitor?.userAgent ?? null),
          online: live !== null,
          firstSeenAt: visitor?.createdAt ?? conversation.createdAt,
          lastSeenAt: visitor?.lastSeenAt ?? null,
          previous: previous.filter((p) => p.id !== conversation.id && canReadHistory(actor, p, [conversation, ...previous])).map((p) => masking.summary(p)),
        },
      };
    },

    /** The visitors online now on the sites the actor serves, with their open conversation if any. */
    async liveVisitors(actor: AgentActor): Promise<LiveVisitorsAnswer['visitors']> {
      const online = liveVisitors.online((await sitesOf(actor)) ?? undefined);
      return Promise.all(
        online.map(async (x) => {
          const [record, open] = await Promise.all([store.visitors.byId(x.visitorId), store.conversations.list({ visitorId: x.visitorId, status: ['open', 'ended'], limit: 1 })]);
          // SPEC M2: the visitor's name and page as its site's agents may see them.
          const shown = (value: string | null) => masking.field(x.siteId, value);
          return {
            id: x.visitorId,
            siteId: x.siteId,
            name: shown(record?.name ?? null),
            page: x.page ? { url: shown(x.page.url)!, title: shown(x.page.title) } : null,
            since: x.since,
            returning: x.returning,
            conversationId: open[0]?.id ?? null,
          };
        }),
      );
    },

    /**
     * Issue 15: who some visitors are, for a list that names them (the blocks), as agents may see them (M2):
     * name, e-mail and last page; a visitor no longer held (erased) is left out.
     */
    async visitorCards(ids: readonly string[]): Promise<Map<string, { name: string | null; email: string | null; page: string | null }>> {
      const cards = new Map<string, { name: string | null; email: string | null; page: string | null }>();
      for (const id of new Set(ids)) {
        const record = await store.visitors.byId(id);
        if (!record) continue;
        const shown = (value: string | null) => masking.field(record.siteId, value);
        cards.set(id, { name: shown(record.name), email: shown(record.email), page: shown(record.lastPageUrl) });
      }
      return cards;
    },

    /** The visitor online now, when it is on a site the actor serves (R10: else it is not revealed); null otherwise. */
    async liveVisitor(actor: AgentActor, visitorId: string) {
      const live = liveVisitors.visitor(visitorId);
      const sites = await sitesOf(actor);
      return !live || (sites && !sites.has(live.siteId)) ? null : live;
    },
  };
}

/**
 * @module One ticket (SPEC T4): number and subject, its status, type, priority and assignee (supervisors
 * pick any agent, an agent assigns it to itself), the requester's name and e-mail, the description, the
 * transcript of its conversation read-only like the message log, and its history (internal notes, replies
 * e-mailed to the requester or not, changes) with a composer for a reply or an internal note. Every
 * refusal shows inline where the agent acted.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { TICKET_STATUSES, TICKET_TYPES, type Ticket, type TicketDetailAnswer, type TicketEntry, type TicketStatus, type TicketType } from '../../shared/api';
import type { AgentProfile, QueueInfo } from '../../shared/protocol';
import { api, type AgentListItem } from '../session/api';
import { ErrorLine } from '../ui/ErrorLine';
import { dayTime, t, visitorLabel } from '../i18n/i18n';
import { MessageLog } from '../conversation/MessageLog';
import { Options } from '../ui/Options';
import { PriorityOptions } from '../ui/PriorityOptions';
import type { FoundEntry } from '../search/search-model';
import { takeLostFocus } from '../ui/focus';
import { addressAtReplies, agentNamer, entryHeading, patchOf, replyDelivery, replyHint, requesterLabel, sourceName, statusName, typeName } from './tickets-model';
import { useFacts } from '../session/facts';
import { useAction } from '../ui/use-action';

export interface TicketsDetailProps {
  ticketId: string;
  agent: AgentProfile;
  /** Every agent (supervisors), or null: then the agent may only assign the ticket to itself. */
  agents: AgentListItem[] | null;
  queues: QueueInfo[];
  onBack: () => void;
  onOpenConversation: (conversationId: string) => void;
  onChanged: () => void;
  /** Issue 12: the entry a search hit named, scrolled into view and ringed once the ticket shows. */
  foundEntry?: FoundEntry | null;
}

type Patch = Parameters<typeof patchOf>[1];

export function TicketsDetail({ ticketId, agent, agents, queues, onBack, onOpenConversation, onChanged, foundEntry = null }: TicketsDetailProps) {
  const [detail, setDetail] = useState<TicketDetailAnswer | null>(null);
  const load = useAction();
  const patch = useAction();

  const read = async () => {
    const answer = await load.run(() => api.ticket(ticketId));
    if (answer) setDetail(answer);
  };
  useEffect(() => {
    void read();
  }, [ticketId]);
  // Opened from a search hit (its answer, which held the focus, closed): the focus goes to the title.
  useEffect(() => {
    if (detail) takeLostFocus(document.getElementById('ticket-title'));
  }, [detail === null, ticketId]);

  if (!detail) {
    return (
      <article class="ticket" aria-busy={load.busy}>
        <BackLink onBack={onBack} />
        <ErrorLine error={load.error} />
        {load.busy && <p class="none">{t.loading}</p>}
      </article>
    );
  }

  const k = detail.ticket;
  /** Saves what differs from the ticket, then reads it again so the history shows the change. */
  const save = async (next: Patch): Promise<boolean> => {
    const fields = patchOf(k, next);
    if (Object.keys(fields).length === 0) return true;
    const ticket = await patch.run(() => api.updateTicket(k.id, fields));
    if (!ticket) return false;
    setDetail((d) => (d ? { ...d, ticket } : d));
    onChanged();
    void read();
    return true;
  };
  const wrote = () => {
    onChanged();
    void read();
  };

  return (
    <article class="ticket" aria-labelledby="ticket-title">
      <BackLink onBack={onBack} />
      <TicketHead ticket={k} busy={patch.busy} onSave={(subject) => save({ subject })} />
      <ErrorLine error={load.error} />
      <div class="ticket-body">
        <div class="ticket-main">
          <section class="ticket-block" aria-labelledby="ticket-description">
            <h2 id="ticket-description">{t.tk.description}</h2>
            {k.description ? <p class="ticket-description">{k.description}</p> : <p class="none">{t.tk.noDescription}</p>}
          </section>
          <Transcript detail={detail} agentId={agent.id} queues={queues} onOpenConversation={onOpenConversation} />
          <section class="ticket-block" aria-labelledby="ticket-history">
            <h2 id="ticket-history">{t.tk.history}</h2>
            <History ticket={k} entries={detail.entries} agentId={agent.id} agentName={agentNamer(k, detail.entries, agents)} found={foundEntry} />
            <TicketComposer key={k.id} ticket={k} onWritten={wrote} />
          </section>
        </div>
        <aside class="ticket-side" aria-label={t.details}>
          <Properties ticket={k} agent={agent} agents={agents} busy={patch.busy} onSave={save} />
          <ErrorLine error={patch.error} />
          <Requester ticket={k} busy={patch.busy} onSave={save} />
        </aside>
      </div>
    </article>
  );
}

function BackLink({ onBack }: { onBack: () => void }) {
  return (
    <nav class="ticket-crumbs" aria-label={t.tk.backLong}>
      <button type="button" class="link back" onClick={onBack}>
        ← {t.tk.back}
      </button>
    </nav>
  );
}

function TicketHead({ ticket: k, busy, onSave }: { ticket: Ticket; busy: boolean; onSave: (subject: string) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false);
  const [subject, setSubject] = useState(k.subject);
  return (
    <header class="ticket-head">
      {editing ? (
        <form
          class="subject-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (subject.trim() === '') return;
            if (await onSave(subject.trim())) setEditing(false);
          }}
        >
          <span class="ticket-number">#{k.number}</span>
          <label class="grow">
            <span class="sr-only">{t.tk.subject}</span>
            <input type="text" required maxLength={200} value={subject} onInput={(e) => setSubject(e.currentTarget.value)} ref={(el) => el?.focus()} />
          </label>
          <button type="submit" class="primary small" disabled={busy || subject.trim() === ''}>
            {t.save}
          </button>
          <button
            type="button"
            class="ghost"
            onClick={() => {
              setSubject(k.subject);
              setEditing(false);
            }}
          >
            {t.cancel}
          </button>
        </form>
      ) : (
        <h1 id="ticket-title" tabIndex={-1}>
          <span class="ticket-number">#{k.number}</span> <span class="ticket-subject">{k.subject}</span>{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              setSubject(k.subject);
              setEditing(true);
            }}
          >
            {t.tk.editSubject}
          </button>
        </h1>
      )}
      <p class="sub">
        <span class={`ticket-status s-${k.status}`}>{statusName(k.status)}</span>
        <span>{t.tk.openedAt(dayTime.format(k.createdAt), sourceName(k.source))}</span>
        <span>· {t.tk.updatedAt(dayTime.format(k.updatedAt))}</span>
      </p>
    </header>
  );
}

function Properties({
  ticket: k,
  agent,
  agents,
  busy,
  onSave,
}: {
  ticket: Ticket;
  agent: AgentProfile;
  agents: AgentListItem[] | null;
  busy: boolean;
  onSave: (next: Patch) => Promise<boolean>;
}) {
  // The current assignee stays in the list even when GET /agents no longer names it.
  const options = agents ? agents.map((a) => ({ id: a.id, name: a.name })) : [];
  if (agents && k.assigneeId && !options.some((a) => a.id === k.assigneeId)) options.push({ id: k.assigneeId, name: k.assigneeName ?? t.agent });
  return (
    <section class="ticket-props">
      <label>
        <span>{t.tk.status}</span>
        <select value={k.status} disabled={busy} onChange={(e) => void onSave({ status: e.currentTarget.value as TicketStatus })}>
          <Options values={TICKET_STATUSES} name={statusName} />
        </select>
      </label>
      <label>
        <span>{t.tk.type}</span>
        <select value={k.type} disabled={busy} onChange={(e) => void onSave({ type: e.currentTarget.value as TicketType })}>
          <Options values={TICKET_TYPES} name={typeName} />
        </select>
      </label>
      <label>
        <span>{t.tk.priority}</span>
        <select value={k.priority} disabled={busy} onChange={(e) => void onSave({ priority: Number(e.currentTarget.value) })}>
          <PriorityOptions />
        </select>
      </label>
      {agents ? (
        <label>
          <span>{t.tk.assignee}</span>
          <select value={k.assigneeId ?? ''} disabled={busy} onChange={(e) => void onSave({ assigneeId: e.currentTarget.value || null })}>
            <option value="">{t.tk.nobodyOption}</option>
            {options.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id === agent.id ? `${a.name} (${t.youLower})` : a.name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <div class="assignee">
          <span>{t.tk.assignee}</span>
          <strong>{k.assigneeId === null ? t.tk.unassigned : k.assigneeId === agent.id ? t.you : (k.assigneeName ?? t.agent)}</strong>
          {k.assigneeId !== agent.id && (
            <button type="button" class="ghost small" disabled={busy} onClick={() => void onSave({ assigneeId: agent.id })}>
              {t.tk.assignToMe}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function Requester({ ticket: k, busy, onSave }: { ticket: Ticket; busy: boolean; onSave: (next: Patch) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(k.requester.name ?? '');
  const [email, setEmail] = useState(k.requester.email ?? '');
  const start = () => {
    setName(k.requester.name ?? '');
    setEmail(k.requester.email ?? '');
    setEditing(true);
  };
  return (
    <section class="ticket-requester" aria-labelledby="ticket-requester">
      <h2 id="ticket-requester">
        {t.tk.requester}
        {!editing && (
          <button type="button" class="link" onClick={start}>
            {t.tk.edit}
          </button>
        )}
      </h2>
      {editing ? (
        <form
          class="fields"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await onSave({ requesterName: name.trim() || null, requesterEmail: email.trim() || null })) setEditing(false);
          }}
        >
          <label>
            {t.tk.requesterName}
            <input type="text" maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
          </label>
          <label>
            {t.tk.requesterEmail}
            <input type="email" maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoComplete="off" />
          </label>
          <div class="row-actions">
            <button type="button" class="ghost" onClick={() => setEditing(false)}>
              {t.cancel}
            </button>
            <button type="submit" class="primary small" disabled={busy}>
              {t.save}
            </button>
          </div>
        </form>
      ) : (
        <dl class="facts">
          <dt>{t.tk.requesterName}</dt>
          <dd>{k.requester.name ?? t.none}</dd>
          <dt>{t.tk.requesterEmail}</dt>
          <dd>{k.requester.email ? <a href={`mailto:${k.requester.email}`}>{k.requester.email}</a> : t.none}</dd>
        </dl>
      )}
    </section>
  );
}

function Transcript({
  detail,
  agentId,
  queues,
  onOpenConversation,
}: {
  detail: TicketDetailAnswer;
  agentId: string;
  queues: QueueInfo[];
  onOpenConversation: (conversationId: string) => void;
}) {
  const k = detail.ticket;
  const visitor = k.requester.name ?? (k.requester.visitorId ? visitorLabel(k.requester.visitorId, null) : requesterLabel(k.requester));
  const conversationId = k.conversationId;
  return (
    <section class="ticket-block" aria-labelledby="ticket-transcript">
      <h2 id="ticket-transcript">
        {t.tk.transcript}
        {conversationId && (
          <button type="button" class="link" onClick={() => onOpenConversation(conversationId)}>
            {t.tk.openConversation}
          </button>
        )}
      </h2>
      {conversationId === null ? (
        <p class="none">{t.tk.noTranscript}</p>
      ) : detail.transcript.length === 0 ? (
        <p class="none">{t.tk.emptyTranscript}</p>
      ) : (
        <div class="ticket-transcript">
          <MessageLog
            conversationId={conversationId}
            events={detail.transcript}
            pending={[]}
            hasMore={false}
            line={{ agentId, visitor, queueName: (id) => queues.find((q) => q.id === id)?.name ?? null }}
            onLoadOlder={() => undefined}
            onRetry={() => undefined}
            onDiscard={() => undefined}
          />
        </div>
      )}
    </section>
  );
}

function History(props: { ticket: Ticket; entries: TicketEntry[]; agentId: string; agentName: (id: string) => string | null; found: FoundEntry | null }) {
  const { ticket: k, entries, agentId, agentName, found } = props;
  const foundId = found?.id ?? null;
  const addresses = addressAtReplies(entries, k.requester.email);
  const list = useRef<HTMLOListElement>(null);
  // Keyed on the reveal's count, not the id: the same entry chosen again is scrolled back to.
  useEffect(() => {
    const entry = found ? list.current?.querySelector<HTMLElement>(`li[data-entry="${CSS.escape(found.id)}"]`) : null;
    if (!entry) return;
    entry.scrollIntoView({ block: 'center', inline: 'nearest' });
    takeLostFocus(entry, ['ticket-title']);
  }, [found?.n]);
  return (
    <ol class="ticket-history" ref={list}>
      <li class="entry change opened">
        <span class="entry-line">{t.tk.opened(sourceName(k.source))}</span>
        <time dateTime={new Date(k.createdAt).toISOString()}>{dayTime.format(k.createdAt)}</time>
      </li>
      {entries.map((e) => {
        const delivery = replyDelivery(e, addresses.get(e.id));
        if (e.kind === 'change') {
          return (
            <li key={e.id} class="entry change">
              <span class="entry-line">{entryHeading(e, agentId, t, agentName)}</span>
              <time dateTime={new Date(e.at).toISOString()}>{dayTime.format(e.at)}</time>
            </li>
          );
        }
        return (
          <li key={e.id} data-entry={e.id} class={`entry ${e.kind}${e.id === foundId ? ' found' : ''}`} tabIndex={e.id === foundId ? -1 : undefined}>
            <header>
              <span class="entry-who">{entryHeading(e, agentId)}</span>
              {delivery && <span class={`delivery ${delivery.sent ? 'sent' : 'unsent'}`}>{delivery.text}</span>}
              <time dateTime={new Date(e.at).toISOString()}>{dayTime.format(e.at)}</time>
            </header>
            <p class="entry-text">{e.text}</p>
          </li>
        );
      })}
      {entries.length === 0 && <li class="none">{t.tk.noHistory}</li>}
    </ol>
  );
}

/** A reply to the requester (e-mailed, SPEC T8) or an internal note; each keeps its own draft. */
function TicketComposer({ ticket: k, onWritten }: { ticket: Ticket; onWritten: () => void }) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [drafts, setDrafts] = useState({ reply: '', note: '' });
  const send = useAction();
  const text = drafts[mode];
  const mail = useFacts()?.mail ?? null;
  const hint = replyHint(k.requester.email, mail);
  const submit = async () => {
    const body = text.trim();
    if (body === '' || send.busy) return;
    const ok = await send.run(() => (mode === 'reply' ? api.replyToTicket(k.id, body) : api.addTicketNote(k.id, body)));
    if (ok) {
      setDrafts((d) => ({ ...d, [mode]: '' }));
      onWritten();
    }
  };
  return (
    <form
      class={`composer ticket-composer${mode === 'note' ? ' note-mode' : ''}`}
      aria-label={t.tk.composer}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div class="composer-tools" role="tablist" aria-label={t.tk.composer}>
        <button type="button" role="tab" aria-selected={mode === 'reply'} class={`toggle${mode === 'reply' ? ' on reply' : ''}`} onClick={() => setMode('reply')}>
          {t.tk.replyTab}
        </button>
        <button type="button" role="tab" aria-selected={mode === 'note'} class={`toggle${mode === 'note' ? ' on' : ''}`} onClick={() => setMode('note')}>
          {t.tk.noteTab}
        </button>
      </div>
      <label>
        <span class="sr-only">{mode === 'reply' ? t.tk.replyTab : t.tk.noteTab}</span>
        <textarea
          rows={3}
          maxLength={10_000}
          placeholder={mode === 'reply' ? (mail === false ? t.cv.replyPlaceholderNoMail : t.tk.replyPlaceholder) : t.tk.notePlaceholder}
          value={text}
          onInput={(e) => {
            const value = e.currentTarget.value;
            setDrafts((d) => ({ ...d, [mode]: value }));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void submit();
            }
          }}
        />
      </label>
      <ErrorLine error={send.error} />
      <div class="composer-foot">
        <span class={mode === 'reply' && hint.warn ? 'hint warn' : 'hint'}>{mode === 'reply' ? hint.text : t.noteHint}</span>
        <button type="submit" class="send" disabled={text.trim() === '' || send.busy}>
          {mode === 'reply' ? t.tk.sendReply : t.tk.addNote}
        </button>
      </div>
    </form>
  );
}

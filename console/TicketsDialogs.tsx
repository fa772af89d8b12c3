/**
 * @module The two ways a conversation gets a ticket from the agent: "End and create ticket" (Acelerato
 * "Encerrar conversa e criar chamado", SPEC T3: closes the chat, the ticket holds its transcript) and
 * "New ticket" on a conversation that goes on (Cosmo Desk "Adicionar chamado": status, type, description).
 */
import { useState } from 'preact/hooks';
import { TICKET_STATUSES, TICKET_TYPES, type Ticket, type TicketStatus, type TicketType } from '../shared/api';
import type { ConversationSummary } from '../shared/protocol';
import { api } from './api';
import { Dialog } from './Dialog';
import { ErrorLine } from './ErrorLine';
import { t } from './i18n';
import { Options } from './Options';
import { PriorityOptions } from './PriorityOptions';
import { statusName, typeName } from './tickets-model';
import { useAction } from './use-action';
import './tickets.css';

function TypeSelect({ value, onChange }: { value: TicketType; onChange: (type: TicketType) => void }) {
  return (
    <label>
      {t.tk.type}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as TicketType)}>
        <Options values={TICKET_TYPES} name={typeName} />
      </select>
    </label>
  );
}

function Foot({ busy, submit, onClose }: { busy: boolean; submit: string; onClose: () => void }) {
  return (
    <footer class="dialog-foot">
      <button type="button" class="ghost" onClick={onClose}>
        {t.cancel}
      </button>
      <button type="submit" class="primary" disabled={busy}>
        {submit}
      </button>
    </footer>
  );
}

export interface EndWithTicketDialogProps {
  conversation: ConversationSummary;
  onApplied: (summary: ConversationSummary) => void;
  onClose: () => void;
}

/** Subject (optional), type and priority; the server closes the chat and opens the ticket in one step. */
export function EndWithTicketDialog({ conversation: c, onApplied, onClose }: EndWithTicketDialogProps) {
  const [subject, setSubject] = useState('');
  const [type, setType] = useState<TicketType>('question');
  const [priority, setPriority] = useState(c.priority);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const answer = await action.run(() => api.endWithTicket(c.id, { subject: subject.trim() || undefined, type, priority }));
    if (answer) {
      onApplied(answer.conversation);
      onClose();
    }
  };
  return (
    <Dialog title={t.tk.endWithTicketTitle} onClose={onClose} class="ticket-dialog">
      <form onSubmit={submit}>
        <div class="dialog-body fields">
          <p class="hint">{t.tk.endWithTicketText}</p>
          <label>
            {t.tk.subjectOptional}
            <input type="text" maxLength={200} value={subject} placeholder={t.tk.subjectPlaceholder} onInput={(e) => setSubject(e.currentTarget.value)} />
          </label>
          <div class="select-row">
            <TypeSelect value={type} onChange={setType} />
            <label>
              {t.tk.priority}
              <select value={priority} onChange={(e) => setPriority(Number(e.currentTarget.value))}>
                <PriorityOptions />
              </select>
            </label>
          </div>
          <ErrorLine error={action.error} />
        </div>
        <Foot busy={action.busy} submit={t.tk.endWithTicket} onClose={onClose} />
      </form>
    </Dialog>
  );
}

export interface NewTicketDialogProps {
  conversation: ConversationSummary;
  onCreated: (ticket: Ticket) => void;
  onClose: () => void;
}

/** A ticket about the conversation, linked to it (its transcript is the ticket's); the chat goes on. */
export function NewTicketDialog({ conversation: c, onCreated, onClose }: NewTicketDialogProps) {
  const [subject, setSubject] = useState('');
  const [status, setStatus] = useState<TicketStatus>('open');
  const [type, setType] = useState<TicketType>('question');
  const [description, setDescription] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const ticket = await action.run(() =>
      api.createTicket({
        subject: subject.trim(),
        status,
        type,
        description: description.trim(),
        priority: c.priority,
        conversationId: c.id,
        ...(c.visitorName ? { requesterName: c.visitorName } : {}),
        ...(c.requesterEmail ? { requesterEmail: c.requesterEmail } : {}),
      }),
    );
    if (ticket) {
      onCreated(ticket);
      onClose();
    }
  };
  return (
    <Dialog title={t.tk.newTicketTitle} onClose={onClose} class="ticket-dialog">
      <form onSubmit={submit}>
        <div class="dialog-body fields">
          <label>
            {t.tk.subject}
            <input type="text" required maxLength={200} value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
          </label>
          <div class="select-row">
            <label>
              {t.tk.status}
              <select value={status} onChange={(e) => setStatus(e.currentTarget.value as TicketStatus)}>
                <Options values={TICKET_STATUSES} name={statusName} />
              </select>
            </label>
            <TypeSelect value={type} onChange={setType} />
          </div>
          <label>
            {t.tk.description}
            <textarea rows={5} maxLength={10_000} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </label>
          <ErrorLine error={action.error} />
        </div>
        <Foot busy={action.busy || subject.trim() === ''} submit={t.tk.createTicket} onClose={onClose} />
      </form>
    </Dialog>
  );
}

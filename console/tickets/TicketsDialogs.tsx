/**
 * @module The two ways a conversation gets a ticket from the agent: "End and create ticket" (Acelerato
 * "Encerrar conversa e criar chamado", SPEC T3: closes the chat, the ticket holds its transcript) and
 * "New ticket" on a conversation that goes on (Cosmo Desk "Adicionar chamado": status, type, description).
 */
import { useState } from 'preact/hooks';
import { TICKET_STATUSES, TICKET_TYPES, type Ticket, type TicketStatus, type TicketType } from '../../shared/api';
import type { ConversationSummary } from '../../shared/protocol';
import { api } from '../session/api';
import { Dialog } from '../dialogs/Dialog';
import { DialogForm, FormDialog } from '../dialogs/FormDialog';
import { t } from '../i18n/i18n';
import { Options } from '../ui/Options';
import { PriorityOptions } from '../ui/PriorityOptions';
import { statusName, typeName } from './tickets-model';
import { useAction } from '../ui/use-action';
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
  return (
    <FormDialog
      title={t.tk.endWithTicketTitle}
      class="ticket-dialog"
      bodyClass="fields"
      submitLabel={t.tk.endWithTicket}
      save={async () => (await api.endWithTicket(c.id, { subject: subject.trim() || undefined, type, priority })).conversation}
      onApplied={onApplied}
      onClose={onClose}
    >
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
    </FormDialog>
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
      <DialogForm
        onSubmit={submit}
        onClose={onClose}
        bodyClass="fields"
        error={action.error}
        submitLabel={t.tk.createTicket}
        submitDisabled={action.busy || subject.trim() === ''}
      >
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
      </DialogForm>
    </Dialog>
  );
}

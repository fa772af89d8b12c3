/**
 * @module Issue 15: below a chat that became a ticket (SPEC T2, T3), its one state: where the reply will
 * go, the visitor's address asked for when none is known (only while e-mail is on), and that what the
 * visitor adds here goes to the ticket. A chunk of its own, fetched only for such a chat.
 */
import { useState } from 'preact/hooks';
import { MAX_EMAIL_CHARS } from '../../../shared/limits';
import type { ConversationEvent } from '../../../shared/protocol';
import type { Locale } from '../../contract';
import type { Strings } from '../i18n';
import { isEmail, problemText } from '../offline-form';
import type { VisitorSession } from '../session/session';
import type { VisitorView } from '../session/view';
import { TICKET_STRINGS } from './ticket-strings';

/** The address the ticket is answered at: the last the visitor gave, else the one the ticket had; null: none. */
export function replyTo(events: readonly ConversationEvent[]): string | null {
  let to: unknown = null;
  for (const e of events) if (e.kind === 'ticket_created' || e.kind === 'ticket_email') to = e.data?.email ?? to;
  return typeof to === 'string' && to ? to : null;
}

export interface TicketNoteProps {
  session: VisitorSession;
  view: VisitorView;
  t: Strings;
  locale: Locale;
  /** The server sends e-mail (the welcome's `site.email`): only then is a reply by e-mail promised or an address asked. */
  mailOn: boolean;
}

export function TicketNote({ session, view, t, locale, mailOn }: TicketNoteProps) {
  const s = TICKET_STRINGS[locale];
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const { mail } = view;
  const to = replyTo(view.events) ?? (mail?.state === 'done' ? mail.email : null);
  const busy = mail?.state === 'sending';
  const shown = problem ?? (mail?.state === 'failed' ? problemText(mail.code ?? '', t) : null);
  return (
    <div class="card">
      {!mailOn ? (
        <p>{s.seen}</p>
      ) : to ? (
        <p role="status">{s.to(to)}</p>
      ) : (
        <form
          class="field"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (busy) return;
            if (!isEmail(email)) return setProblem(t.badEmail);
            session.emailTranscript(email.trim(), true);
          }}
        >
          <label for="papo-tmail">{s.ask}</label>
          <div class="row">
            <input
              id="papo-tmail"
              type="email"
              autoComplete="email"
              maxLength={MAX_EMAIL_CHARS}
              value={email}
              aria-invalid={shown ? true : undefined}
              aria-describedby={shown ? 'papo-tmail-err' : undefined}
              onInput={(e) => {
                setEmail(e.currentTarget.value);
                setProblem(null);
              }}
            />
            <button type="submit" class="send" disabled={busy}>
              {busy ? t.sending : t.send}
            </button>
          </div>
          {shown && (
            <p id="papo-tmail-err" class="err" role="alert">
              {shown}
            </p>
          )}
        </form>
      )}
      <p>{s.add}</p>
    </div>
  );
}

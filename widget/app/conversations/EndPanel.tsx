/**
 * @module After a conversation ends (SPEC R8, T5, T6): rate it, keep its transcript, or start a new one. A chunk
 * of its own, fetched when the visitor asks to end or a conversation shows as ended.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_EMAIL_CHARS } from '../../../shared/limits';
import type { ConversationEvent } from '../../../shared/protocol';
import { renderTranscript, TRANSCRIPT_LABELS } from '../../../shared/transcript';
import type { Locale } from '../../contract';
import type { Strings } from '../i18n';
import { isEmail, problemText } from '../offline-form';
import type { VisitorSession } from '../session/session';
import type { VisitorView } from '../session/view';

export interface EndPanelProps {
  session: VisitorSession;
  view: VisitorView;
  t: Strings;
  locale: Locale;
  /** The visitor ended it here: the panel takes the focus the confirmation had. */
  focus: boolean;
  onNew: () => void;
}

/** After the end (SPEC R8, T5, T6): rate the chat, keep its transcript, or start a new conversation. */
export function EndPanel({ session, view, t, locale, focus, onNew }: EndPanelProps) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [email, setEmail] = useState('');
  const [emailProblem, setEmailProblem] = useState<string | null>(null);
  const title = useRef<HTMLParagraphElement>(null);
  const mailNote = useRef<HTMLParagraphElement>(null);
  /** The visitor's own request, whose answer replaces the form holding the focus: the answer takes it. */
  const asked = useRef<'rate' | 'mail' | null>(null);
  const { rating, mail } = view;
  const rated = rating ? rating.state : null;
  const mailed = mail ? mail.state : null;
  useEffect(() => {
    if (focus) title.current?.focus();
  }, []);
  useEffect(() => {
    if (asked.current === 'rate' && rated === 'done') title.current?.focus();
    if (asked.current === 'mail' && mailNote.current) mailNote.current.focus();
    if (rated !== 'sending' && mailed !== 'sending') asked.current = null;
  }, [rated, mailed]);
  const mailCode = mail && mailed === 'failed' ? mail.code : null;
  const mailProblem = emailProblem ?? (mailCode ? problemText(mailCode, t) : null);

  return (
    <div class="card ended">
      {rated === 'done' ? (
        <p class="lead" role="status" tabIndex={-1} ref={title}>
          {t.rated}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!score || rated === 'sending') return;
            asked.current = 'rate';
            session.rate(score, comment);
          }}
        >
          <p id="papo-rate" class="lead" tabIndex={-1} ref={title}>
            {t.rateAsk}
          </p>
          <div class="stars" role="group" aria-labelledby="papo-rate">
            {[1, 2, 3, 4, 5].map((n) => (
              <button type="button" key={n} aria-pressed={score === n} aria-label={t.stars(n)} class={n <= score ? 'on' : ''} onClick={() => setScore(n)}>
                ★
              </button>
            ))}
          </div>
          <div class="field">
            <label for="papo-comment">{t.comment}</label>
            <textarea id="papo-comment" rows={2} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </div>
          {rated === 'failed' && (
            <p class="err" role="alert">
              {t.failedTry}
            </p>
          )}
          <button type="submit" class="send" disabled={!score || rated === 'sending'}>
            {rated === 'sending' ? t.sending : t.send}
          </button>
        </form>
      )}
      <hr />
      <a class="send alt" href="#" download="transcript.txt" onClick={(e) => download(e.currentTarget, view.events, locale)}>
        {t.download}
      </a>
      {view.site?.email === false ? null : mailed === 'done' || mailCode === 'email_off' ? (
        // T8: a server that sends no e-mail says so once; asking again would not help.
        <p role="status" tabIndex={-1} ref={mailNote}>
          {mailCode ? t.emailOff : t.emailSent(mail!.email)}
        </p>
      ) : (
        <form
          class="field"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (mailed === 'sending') return;
            if (!isEmail(email)) return setEmailProblem(t.badEmail);
            asked.current = 'mail';
            session.emailTranscript(email.trim());
          }}
        >
          <label for="papo-mail">{t.emailLabel}</label>
          <div class="row">
            <input
              id="papo-mail"
              type="email"
              autoComplete="email"
              maxLength={MAX_EMAIL_CHARS}
              value={email}
              aria-invalid={emailProblem || mailCode === 'invalid_email' ? true : undefined}
              aria-describedby={mailProblem ? 'papo-mail-err' : undefined}
              onInput={(e) => {
                setEmail(e.currentTarget.value);
                setEmailProblem(null);
              }}
            />
            <button type="submit" class="send" disabled={mailed === 'sending'}>
              {mailed === 'sending' ? t.sending : t.send}
            </button>
          </div>
          {mailProblem && (
            <p id="papo-mail-err" class="err" role="alert">
              {mailProblem}
            </p>
          )}
        </form>
      )}
      <hr />
      <button type="button" class="send alt" onClick={onNew}>
        {t.newChat}
      </button>
    </div>
  );
}

/** SPEC T6: the transcript of the events held, as a file, through the link's own download. */
function download(link: HTMLAnchorElement, events: readonly ConversationEvent[], locale: Locale): void {
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  const text = renderTranscript(events, TRANSCRIPT_LABELS[locale], Intl.DateTimeFormat().resolvedOptions().timeZone);
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
}

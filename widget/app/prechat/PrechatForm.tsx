/**
 * @module The pre-chat form (SPEC W5), an on-demand chunk: shown in place of the composer when the site
 * turned it on, the visitor is not identified and has no open conversation. Form first, then chat: its
 * last field is the first message, and sending the form starts the conversation with the answers.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PrechatAnswers } from '../../../shared/protocol';
import type { PrechatHost } from './lazy';
import type { Locale } from '../../contract';
import { adoptCss } from '../files/sheet';
import { checkPrechat, consentText, inputFrom, PRECHAT_FIELDS, prechatAnswers, type MessageRule, type PrechatField, type PrechatInput, type PrechatProblem, type PrechatSettings } from './prechat';
import { loadPrechatStrings, type PrechatStrings } from './strings';

const CSS = `
.card select{box-sizing:border-box;width:100%;min-height:44px;padding:10px 12px;border:1px solid #c9ced6;border-radius:12px;
  font-family:inherit;font-size:16px;color:#1f2328;background:#fff}
.card select:focus{outline:2px solid var(--papo-accent,#047857);outline-offset:-1px;border-color:transparent}
.consent{display:flex;gap:10px;align-items:flex-start}
.card .consent input{flex:none;width:20px;height:20px;min-height:0;margin:1px 0 0;padding:0;accent-color:var(--papo-accent,#047857)}
.consent label{margin:0;font-weight:400;font-size:14px;line-height:1.4}
`;

export interface PrechatFormProps {
  settings: PrechatSettings;
  /** The strings in the visitor's language (loadPrechatStrings). */
  t: PrechatStrings;
  /** A submission the server refused (field_required, invalid_email, invalid_request): its answers return. */
  refused: { clientId: string; code: string; text: string; prechat?: PrechatAnswers } | null;
  onSubmit: (text: string, answers: PrechatAnswers) => void;
  /** The composer's rule for the message's text (shared/limits). */
  messageRule: MessageRule;
}

function problemText(problem: string, field: PrechatField, t: PrechatStrings): string {
  if (problem === 'invalid_email') return t.badEmail;
  if (problem === 'message_too_long') return t.tooLong;
  if (problem === 'field_required') return field === 'consent' ? t.consentRequired : t.required;
  return t.refused;
}

/** The form for this session: the site's settings, and the last submission if the server refused it. */
export function Prechat({ session, locale, messageRule }: { session: PrechatHost; locale: Locale; messageRule: MessageRule }) {
  // The visitor's language's strings, a chunk of their own; the last ones stay shown while another loads.
  const [t, setT] = useState<PrechatStrings | null>(null);
  useEffect(() => {
    let current = true;
    void loadPrechatStrings(locale).then((s) => current && setT(() => s));
    return () => {
      current = false;
    };
  }, [locale]);
  const view = session.view;
  const settings = view.site?.widget?.prechat;
  if (!settings || !t) return null;
  const refused = view.outbox.find((o) => o.prechat && o.failed);
  return (
    <PrechatForm
      settings={settings}
      t={t}
      messageRule={messageRule}
      refused={refused ? { clientId: refused.clientId, code: refused.failed!, text: refused.text, prechat: refused.prechat } : null}
      onSubmit={(text, answers) => {
        if (refused) session.discard(refused.clientId); // the new submission takes its place
        session.send(text, { prechat: answers });
      }}
    />
  );
}

export function PrechatForm({ settings, t, refused, onSubmit, messageRule }: PrechatFormProps) {
  const [input, setInput] = useState<PrechatInput>(() => inputFrom(settings, refused?.prechat, refused?.text ?? ''));
  const [problems, setProblems] = useState<Partial<Record<PrechatField, PrechatProblem | string>>>({});
  const form = useRef<HTMLFormElement>(null);
  const consent = consentText(settings);

  const focusField = (field: PrechatField) => form.current?.querySelector<HTMLElement>(`#papo-p-${field}`)?.focus();

  useEffect(() => {
    adoptCss(form.current, CSS);
    // The window is open and nothing in it has the focus (the chunk came after it opened and the launcher
    // kept the focus): the first field takes it. A closed window never takes the focus from the page.
    const el = form.current;
    const active = (el?.getRootNode() as ShadowRoot | undefined)?.activeElement ?? null;
    if (el?.offsetParent && !el.closest('.chat')?.contains(active)) el.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);

  useEffect(() => {
    if (!refused) return;
    // The server refused the last submission: say where, as the widget's own check sees it, else on top.
    const found = checkPrechat(settings, input, messageRule);
    const field = PRECHAT_FIELDS.find((f) => found[f]) ?? (refused.code === 'invalid_email' ? 'email' : null);
    setProblems(field ? { [field]: found[field] ?? refused.code } : {});
    if (field) focusField(field);
  }, [refused?.clientId]);

  const set = <K extends PrechatField>(key: K, value: PrechatInput[K]) => {
    setInput((i) => ({ ...i, [key]: value }));
    if (problems[key]) setProblems(({ [key]: _gone, ...rest }) => rest);
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const found = checkPrechat(settings, input, messageRule);
    setProblems(found);
    const first = PRECHAT_FIELDS.find((f) => found[f]);
    if (first) return focusField(first);
    onSubmit(input.message, prechatAnswers(settings, input));
  };

  const field = (key: PrechatField) => {
    const id = `papo-p-${key}`;
    const problem = problems[key];
    return {
      id,
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': problem ? `${id}-err` : undefined,
      error: problem ? (
        <p id={`${id}-err`} class="err">
          {problemText(problem, key, t)}
        </p>
      ) : null,
    };
  };
  const star = <span aria-hidden="true"> *</span>;
  const text = (key: 'name' | 'email', mode: 'optional' | 'required', type: string, autoComplete: string, maxLength: number) => {
    const { error, ...attrs } = field(key);
    return (
      <div class="field">
        <label for={attrs.id}>
          {t[key]}
          {mode === 'required' && star}
        </label>
        <input
          {...attrs}
          type={type}
          autoComplete={autoComplete}
          maxLength={maxLength}
          required={mode === 'required'}
          value={input[key]}
          onInput={(e) => set(key, e.currentTarget.value)}
        />
        {error}
      </div>
    );
  };
  const queue = field('queue');
  const message = field('message');
  const agree = field('consent');
  const unplaced = refused && !Object.keys(problems).length && refused.code !== 'invalid_email';

  return (
    <form class="card" ref={form} noValidate onSubmit={submit} aria-labelledby="papo-prechat">
      <p id="papo-prechat" class="lead">
        {t.intro}
      </p>
      <p class="hint">{t.requiredNote}</p>
      {settings.name !== 'off' && text('name', settings.name, 'text', 'name', 200)}
      {settings.email !== 'off' && text('email', settings.email, 'email', 'email', 254)}
      {settings.queues.length > 0 && (
        <div class="field">
          <label for={queue.id}>{t.queue}</label>
          <select id={queue.id} value={input.queue} onChange={(e) => set('queue', e.currentTarget.value)}>
            {settings.queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for={message.id}>
          {t.message}
          {star}
        </label>
        <textarea
          id={message.id}
          rows={3}
          required
          aria-invalid={message['aria-invalid']}
          aria-describedby={message['aria-describedby']}
          value={input.message}
          onInput={(e) => set('message', e.currentTarget.value)}
        />
        {message.error}
      </div>
      {consent && (
        <div class="field">
          <div class="consent">
            <input
              id={agree.id}
              type="checkbox"
              required
              checked={input.consent}
              aria-invalid={agree['aria-invalid']}
              aria-describedby={agree['aria-describedby']}
              onChange={(e) => set('consent', e.currentTarget.checked)}
            />
            <label for={agree.id}>
              {consent}
              {star}
            </label>
          </div>
          {agree.error}
        </div>
      )}
      {unplaced && (
        <p class="err" role="alert">
          {t.refused}
        </p>
      )}
      <button type="submit" class="send">
        {t.start}
      </button>
    </form>
  );
}

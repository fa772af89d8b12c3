/**
 * @module SPEC T1: the leave-a-message form. A chunk of its own, fetched only when nobody can answer.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OfflineField } from '../../../shared/protocol';
import type { Strings } from '../i18n';
import { checkForm, errorField, fieldLabel, formFields, maxChars, problemText } from '../offline-form';
import type { VisitorView } from '../session/view';

export interface OfflineFormProps {
  /** The site's own fields; e-mail and message are added when missing. */
  siteFields: OfflineField[];
  ticket: VisitorView['ticket'];
  t: Strings;
  /** Issue 15: the server sends e-mail; off, the form promises no answer by e-mail. */
  mailOn: boolean;
  onSubmit: (fields: Record<string, string>) => void;
}

const AUTOCOMPLETE: Record<string, string> = { name: 'name', email: 'email', phone: 'tel' };

/** SPEC T1: nobody can answer now, so the visitor leaves a message that becomes a ticket. */
export function OfflineForm({ siteFields, ticket, t, mailOn, onSubmit }: OfflineFormProps) {
  const fields = formFields(siteFields);
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  /** The submission whose refusal the visitor has started to fix. */
  const [fixing, setFixing] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const busy = ticket?.state === 'sending';
  // Arriving after the window opened (its chunk came later), it takes the focus left on the launcher.
  useEffect(() => {
    const focused = (form.current?.getRootNode() as ShadowRoot | undefined)?.activeElement;
    if (focused && !form.current?.closest('.chat')?.contains(focused)) form.current?.querySelector<HTMLElement>('input, textarea')?.focus();
  }, []);
  // The server's refusal of the last submission, by the field it names when it names one.
  const refused = ticket?.state === 'failed' && ticket.clientId !== fixing ? ticket : null;
  const refusedField = refused ? errorField(fields, refused.code ?? '', refused.message) : null;

  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const found = checkForm(fields, values);
    setProblems(found);
    const first = fields.find((f) => found[f.key]);
    if (first) {
      form.current?.querySelector<HTMLElement>(`#papo-f-${first.key}`)?.focus();
      return;
    }
    const clean: Record<string, string> = {};
    for (const f of fields) if (values[f.key]?.trim()) clean[f.key] = values[f.key]!.trim();
    onSubmit(clean);
  };

  return (
    <form class="card" ref={form} noValidate onSubmit={submit} aria-labelledby="papo-offline">
      <p id="papo-offline">
        <strong>{t.nobody}.</strong> {mailOn ? t.leave : t.leaveOff}
      </p>
      <p class="hint">{t.requiredNote}</p>
      {fields.map((f) => {
        const id = `papo-f-${f.key}`;
        const server = refusedField === f.key;
        const code = problems[f.key] ?? (server ? refused!.code : null);
        const Input = f.type === 'textarea' ? 'textarea' : 'input';
        return (
          <div class="field" key={f.key}>
            <label for={id}>
              {fieldLabel(f, t)}
              {f.required && <span aria-hidden="true"> *</span>}
            </label>
            <Input
              id={id}
              type={f.type === 'textarea' ? undefined : f.type}
              rows={f.type === 'textarea' ? 4 : undefined}
              value={values[f.key] ?? ''}
              required={f.required}
              maxLength={maxChars(f)}
              autoComplete={AUTOCOMPLETE[f.key] ?? (f.type === 'email' ? 'email' : undefined)}
              aria-invalid={code ? true : undefined}
              aria-describedby={code ? `${id}-err` : undefined}
              onInput={(e) => {
                const value = (e.currentTarget as HTMLInputElement).value;
                setValues((v) => ({ ...v, [f.key]: value }));
                if (problems[f.key]) setProblems(({ [f.key]: _gone, ...rest }) => rest);
                if (server) setFixing(ticket!.clientId);
              }}
            />
            {code && (
              <p id={`${id}-err`} class="err" role={server ? 'alert' : undefined}>
                {problemText(code, t)}
              </p>
            )}
          </div>
        );
      })}
      {refused && !refusedField && (
        <p class="err" role="alert">
          {problemText(refused.code ?? '', t)}
        </p>
      )}
      <button type="submit" class="send" disabled={busy}>
        {busy ? t.sending : t.sendMessage}
      </button>
    </form>
  );
}

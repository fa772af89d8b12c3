/**
 * @module A site's widget (admins; SPEC W4-W6), under the site in Sites: appearance (colour, position,
 * launcher text, greeting, how agents appear, language), the pre-chat form, files, strict identity, and the
 * identity secret the site's backend signs users with. Read when opened, saved whole (PUT); the secret has
 * its own buttons (generate, rotate, turn off), each effective at once.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { adminApi, type QueueWithMembers } from './admin-api';
import { useAction } from './hooks';
import { locale } from './i18n';
import { en } from './locale-site-widget-en';
import { ptBR } from './locale-site-widget-pt-BR';
import { fromForm, LIMITS, toForm, type FieldMode, type WidgetForm, type WidgetProblem } from './site-widget';
import { CheckList, InlineError } from './ui';
import '../tickets/tickets.css';
import './admin.css';

const s: typeof ptBR = locale === 'pt-BR' ? ptBR : en;
const MODES: readonly FieldMode[] = ['off', 'optional', 'required'];

/** `onPreview`: told the appearance as it is edited (issue 15: the site page's live preview). */
export function SiteWidget({ siteId, siteName, onPreview }: { siteId: string; siteName: string; onPreview?: (form: WidgetForm) => void }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<WidgetForm | null>(null);
  const [queues, setQueues] = useState<QueueWithMembers[]>([]);
  const [problems, setProblems] = useState<WidgetProblem[]>([]);
  const [saved, setSaved] = useState(false);
  const load = useAction();
  const save = useAction();
  const ids = useId();

  useEffect(() => {
    if (!open || form) return;
    void load
      .run(() => Promise.all([adminApi.siteWidget(siteId), adminApi.queues()]))
      .then((a) => {
        if (!a) return;
        setQueues(a.value[1].filter((q) => q.siteId === siteId));
        setForm(toForm(a.value[0]));
      });
  }, [open]);

  const edit = (patch: Partial<WidgetForm>) => {
    setSaved(false);
    setForm((f) => (f ? { ...f, ...patch } : f));
  };
  useEffect(() => {
    if (form) onPreview?.(form);
  }, [form]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!form) return;
    const checked = fromForm(form, queues.map((q) => q.id));
    setProblems(checked.ok ? [] : checked.problems);
    if (!checked.ok) return;
    // Issue 15: the allowed pages have their own section on the site's page (Sites.tsx AllowedPages).
    const answer = await save.run(() => adminApi.setSiteWidget(siteId, checked.value));
    if (answer) {
      setForm(toForm(answer.value));
      setSaved(true);
    }
  };

  const has = (p: WidgetProblem) => problems.includes(p);

  return (
    <details class="st" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <strong>{s.title}</strong> <span class="adm-muted">{s.hint}</span>
      </summary>
      <InlineError message={load.error} />
      {!form ? (
        load.busy && <p class="adm-muted">{s.loading}</p>
      ) : (
        <form class="st-form" onSubmit={(e) => void submit(e)} noValidate aria-label={`${s.title}: ${siteName}`}>
          <fieldset class="st-group">
            <legend>{s.appearance}</legend>
            <div class="adm-field">
              <span class="adm-label" id={`${ids}-color`}>
                {s.color}
              </span>
              <span class="adm-token-row">
                <input type="color" aria-labelledby={`${ids}-color`} value={/^#[0-9a-f]{6}$/i.test(form.color) ? form.color : '#000000'} onInput={(e) => edit({ color: e.currentTarget.value })} />
                <input
                  type="text"
                  aria-label={s.colorHex}
                  maxLength={7}
                  spellcheck={false}
                  value={form.color}
                  aria-invalid={has('color') ? 'true' : undefined}
                  onInput={(e) => edit({ color: e.currentTarget.value })}
                />
              </span>
            </div>
            <Choice label={s.position} value={form.position} options={s.positions} onChange={(position) => edit({ position })} />
            <label class="adm-field">
              <span class="adm-label">{s.launcherText}</span>
              <input type="text" maxLength={LIMITS.launcherText + 20} value={form.launcherText} aria-invalid={has('launcherText') ? 'true' : undefined} onInput={(e) => edit({ launcherText: e.currentTarget.value })} />
              <span class="adm-hint">{s.launcherHint}</span>
            </label>
            <label class="adm-field">
              <span class="adm-label">{s.greeting}</span>
              <textarea rows={2} value={form.greeting} aria-invalid={has('greeting') ? 'true' : undefined} onInput={(e) => edit({ greeting: e.currentTarget.value })} />
              <span class="adm-hint">{s.greetingHint}</span>
            </label>
            <Choice label={s.agentDisplay} value={form.agentDisplay} options={s.agentDisplays} onChange={(agentDisplay) => edit({ agentDisplay })} />
            <Choice label={s.language} value={form.locale} options={s.languages} onChange={(locale) => edit({ locale })} />
          </fieldset>

          <fieldset class="st-group">
            <legend>{s.prechat}</legend>
            <label class="adm-check">
              <input type="checkbox" checked={form.prechatEnabled} onChange={(e) => edit({ prechatEnabled: e.currentTarget.checked })} />
              {s.prechatOn}
            </label>
            {form.prechatEnabled && (
              <>
                <Choice label={s.nameField} value={form.prechatName} options={modeOptions()} onChange={(prechatName) => edit({ prechatName })} />
                <Choice label={s.emailField} value={form.prechatEmail} options={modeOptions()} onChange={(prechatEmail) => edit({ prechatEmail })} />
                <CheckList
                  legend={s.queues}
                  empty={s.noQueues}
                  options={queues.map((q) => ({ id: q.id, label: q.name }))}
                  checked={form.prechatQueues}
                  onChange={(prechatQueues) => edit({ prechatQueues })}
                />
                <label class="adm-field">
                  <span class="adm-label">{s.consent}</span>
                  <textarea rows={2} value={form.consent} aria-invalid={has('consent') ? 'true' : undefined} onInput={(e) => edit({ consent: e.currentTarget.value })} />
                  <span class="adm-hint">{s.consentHint}</span>
                </label>
              </>
            )}
          </fieldset>

          <fieldset class="st-group">
            <legend>{s.files}</legend>
            <label class="adm-check">
              <input type="checkbox" checked={form.uploadsEnabled} onChange={(e) => edit({ uploadsEnabled: e.currentTarget.checked })} />
              {s.filesOn}
            </label>
            <label class="adm-field st-tz">
              <span class="adm-label">{s.maxMb}</span>
              <input type="text" inputMode="decimal" value={form.maxMb} aria-invalid={has('maxMb') ? 'true' : undefined} onInput={(e) => edit({ maxMb: e.currentTarget.value })} />
              <span class="adm-hint">{s.maxMbHint}</span>
            </label>
          </fieldset>

          <fieldset class="st-group">
            <legend>{s.identity}</legend>
            <label class="adm-check">
              <input type="checkbox" checked={form.strictIdentity} onChange={(e) => edit({ strictIdentity: e.currentTarget.checked })} />
              {s.strict}
            </label>
            <IdentitySecret siteId={siteId} />
          </fieldset>

          {problems.length > 0 && (
            <ul class="st-problems" role="alert">
              {problems.map((p) => (
                <li key={p}>{s.problems[p]}</li>
              ))}
            </ul>
          )}
          <InlineError message={save.error} />
          <div class="adm-form-actions">
            <button type="submit" class="adm-primary" disabled={save.busy}>
              {save.busy ? s.saving : s.save}
            </button>
            {saved && (
              <span class="adm-ok" role="status">
                {s.saved}
              </span>
            )}
          </div>
        </form>
      )}
    </details>
  );
}

function modeOptions(): Record<FieldMode, string> {
  return Object.fromEntries(MODES.map((m) => [m, s.modes[m]])) as Record<FieldMode, string>;
}

/** A labelled select over a fixed set of values. */
function Choice<V extends string>({ label, value, options, onChange }: { label: string; value: V; options: Record<V, string>; onChange: (value: V) => void }) {
  const keys = Object.keys(options) as V[];
  const id = useId();
  // `for`, not a wrapping label: the select's name is the label alone, not the label and the chosen option.
  return (
    <div class="adm-field st-tz">
      <label class="adm-label" for={id}>
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(keys.find((k) => k === e.currentTarget.value) ?? value)}>
        {keys.map((k) => (
          <option key={k} value={k}>
            {options[k]}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * SPEC W6: the secret, shown to admins with a copy button (the server must keep it in clear to check
 * signatures, so hiding it here would protect nothing); generate, rotate or turn off, each at once.
 */
function IdentitySecret({ siteId }: { siteId: string }) {
  const [secret, setSecret] = useState<string | null | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const action = useAction();
  const field = useRef<HTMLInputElement>(null);
  const ids = useId();

  useEffect(() => {
    void action.run(() => adminApi.identitySecret(siteId)).then((a) => a && setSecret(a.value));
  }, [siteId]);

  const change = async (run: () => Promise<string | null>, question: string | null) => {
    if (question && !window.confirm(question)) return;
    setCopied(false);
    const a = await action.run(run);
    if (a) setSecret(a.value);
  };
  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (plain http or refused): select the text so Ctrl+C works.
      field.current?.select();
    }
  };

  return (
    <div class="adm-field">
      <span class="adm-label" id={`${ids}-secret`}>
        {s.secret}
      </span>
      {secret === undefined ? (
        <p class="adm-muted">{s.loading}</p>
      ) : secret === null ? (
        <p class="adm-muted">{s.noSecret}</p>
      ) : (
        <span class="adm-token-row">
          <input ref={field} readOnly aria-labelledby={`${ids}-secret`} value={secret} spellcheck={false} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" class="adm-primary" onClick={() => void copy()}>
            {copied ? s.copied : s.copy}
          </button>
        </span>
      )}
      <span class="adm-hint">{s.secretHint}</span>
      <div class="adm-form-actions">
        <button
          type="button"
          class="adm-ghost"
          disabled={action.busy || secret === undefined}
          onClick={() => void change(() => adminApi.newIdentitySecret(siteId), secret ? s.confirmRotate : null)}
        >
          {secret ? s.rotate : s.generate}
        </button>
        {secret && (
          <button type="button" class="adm-ghost danger" disabled={action.busy} onClick={() => void change(() => adminApi.removeIdentitySecret(siteId), s.confirmTurnOff)}>
            {s.turnOff}
          </button>
        )}
      </div>
      <InlineError message={action.error} />
    </div>
  );
}

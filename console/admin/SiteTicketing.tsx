/**
 * @module A site's offline behaviour (admins; SPEC T1, T2), under the site in Sites: business hours per
 * weekday in a time zone (or always open), "turn waiting chats into tickets when no agent is left", the
 * longest wait before a chat becomes a ticket, and the leave-a-message form's fields (e-mail and message
 * are always there). Read when opened (GET /sites/:id/ticketing), saved whole (PUT).
 */
import { useEffect, useId, useState } from 'preact/hooks';
import type { OfflineField } from '../../shared/protocol';
import { api } from '../session/api';
import { ErrorLine } from '../ui/ErrorLine';
import { Options } from '../ui/Options';
import { t } from '../i18n/i18n';
import { fromForm, keyFromLabel, MAX_FIELDS, toForm, WEEK_ORDER, type Range, type TicketingForm, type Weekday } from '../tickets/tickets-settings';
import { useAction } from '../ui/use-action';
import '../tickets/tickets.css';

const FIELD_TYPES: ReadonlyArray<OfflineField['type']> = ['text', 'email', 'tel', 'textarea'];

function timeZones(): string[] {
  try {
    return (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

export function SiteTicketing({ siteId, siteName }: { siteId: string; siteName: string }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<TicketingForm | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const load = useAction();
  const save = useAction();
  const ids = useId();

  useEffect(() => {
    if (!open || form) return;
    void load.run(() => api.siteTicketing(siteId)).then((s) => s && setForm(toForm(s)));
  }, [open]);

  const edit = (patch: Partial<TicketingForm>) => {
    setSaved(false);
    setForm((f) => (f ? { ...f, ...patch } : f));
  };
  const setDay = (day: Weekday, ranges: Range[]) => form && edit({ days: { ...form.days, [day]: ranges } });
  const setField = (i: number, patch: Partial<OfflineField>) => form && edit({ fields: form.fields.map((f, j) => (j === i ? { ...f, ...patch } : f)) });

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!form) return;
    const checked = fromForm(form);
    setProblems(checked.ok ? [] : checked.problems);
    if (!checked.ok) return;
    const answer = await save.run(() => api.setSiteTicketing(siteId, checked.value));
    if (answer) {
      setForm(toForm(answer));
      setSaved(true);
    }
  };

  return (
    <details class="st" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <strong>{t.tk.settings}</strong> <span class="adm-muted">{t.tk.settingsHint}</span>
      </summary>
      <ErrorLine error={load.error} />
      {!form ? (
        load.busy && <p class="adm-muted">{t.loading}</p>
      ) : (
        <form class="st-form" onSubmit={submit} noValidate aria-label={`${t.tk.settings}: ${siteName}`}>
          <fieldset class="st-group">
            <legend>{t.tk.hoursTitle}</legend>
            <label class="adm-check">
              <input type="radio" name={`${ids}-hours`} checked={!form.hoursOn} onChange={() => edit({ hoursOn: false })} />
              {t.tk.hoursAlways}
            </label>
            <label class="adm-check">
              <input type="radio" name={`${ids}-hours`} checked={form.hoursOn} onChange={() => edit({ hoursOn: true })} />
              {t.tk.hoursSet}
            </label>
            {form.hoursOn && (
              <>
                <label class="adm-field st-tz">
                  <span class="adm-label">{t.tk.timeZone}</span>
                  <input type="text" list={`${ids}-tz`} value={form.timeZone} onInput={(e) => edit({ timeZone: e.currentTarget.value })} spellcheck={false} autoComplete="off" />
                  <datalist id={`${ids}-tz`}>
                    {timeZones().map((z) => (
                      <option key={z} value={z} />
                    ))}
                  </datalist>
                  <span class="adm-hint">{t.tk.timeZoneHint}</span>
                </label>
                <table class="st-days">
                  <tbody>
                    {WEEK_ORDER.map((day) => {
                      const name = t.tk.weekdays[Number(day)] ?? day;
                      const ranges = form.days[day];
                      return (
                        <tr key={day}>
                          <th scope="row">{name}</th>
                          <td>
                            {ranges.length === 0 && <span class="adm-muted">{t.tk.closedDay}</span>}
                            {ranges.map((r, i) => (
                              <span key={i} class="st-range">
                                <label>
                                  <span class="sr-only">
                                    {name} {t.tk.from}
                                  </span>
                                  <input type="time" value={r.from} onInput={(e) => setDay(day, ranges.map((x, j) => (j === i ? { ...x, from: e.currentTarget.value } : x)))} />
                                </label>
                                <span aria-hidden="true">–</span>
                                <label>
                                  <span class="sr-only">
                                    {name} {t.tk.to}
                                  </span>
                                  <input type="time" value={r.to} onInput={(e) => setDay(day, ranges.map((x, j) => (j === i ? { ...x, to: e.currentTarget.value } : x)))} />
                                </label>
                                <button type="button" class="icon" aria-label={t.tk.removeRange(name)} onClick={() => setDay(day, ranges.filter((_, j) => j !== i))}>
                                  ×
                                </button>
                              </span>
                            ))}
                          </td>
                          <td class="st-add">
                            <button type="button" class="adm-link" onClick={() => setDay(day, [...ranges, ranges.length === 0 ? { from: '09:00', to: '18:00' } : { from: '', to: '' }])}>
                              {t.tk.addRange}
                            </button>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </>
            )}
          </fieldset>

          <fieldset class="st-group">
            <legend>{t.tk.section}</legend>
            <label class="adm-check">
              <input type="checkbox" checked={form.ticketWhenNoAgents} onChange={(e) => edit({ ticketWhenNoAgents: e.currentTarget.checked })} />
              {t.tk.ticketWhenNoAgents}
            </label>
            <label class="adm-field st-wait">
              <span class="adm-label">{t.tk.maxWait}</span>
              <input type="text" inputMode="decimal" value={form.maxWaitMinutes} onInput={(e) => edit({ maxWaitMinutes: e.currentTarget.value })} />
              <span class="adm-hint">{t.tk.maxWaitHint}</span>
            </label>
          </fieldset>

          <fieldset class="st-group">
            <legend>{t.tk.fields}</legend>
            <p class="adm-muted">{t.tk.fieldsHint}</p>
            <table class="st-fields">
              <thead>
                <tr>
                  <th scope="col">{t.tk.fieldLabel}</th>
                  <th scope="col">{t.tk.fieldKey}</th>
                  <th scope="col">{t.tk.fieldType}</th>
                  <th scope="col">{t.tk.fieldRequired}</th>
                  <th scope="col">
                    <span class="sr-only">{t.delete}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {form.fields.map((f, i) => (
                  <tr key={i}>
                    <td>
                      <input
                        type="text"
                        aria-label={t.tk.fieldLabel}
                        maxLength={80}
                        value={f.label}
                        onInput={(e) => setField(i, { label: e.currentTarget.value })}
                        onBlur={() => f.key === '' && setField(i, { key: keyFromLabel(f.label) })}
                      />
                    </td>
                    <td>
                      <input type="text" aria-label={t.tk.fieldKey} maxLength={40} spellcheck={false} value={f.key} onInput={(e) => setField(i, { key: e.currentTarget.value })} />
                    </td>
                    <td>
                      <select aria-label={t.tk.fieldType} value={f.type} onChange={(e) => setField(i, { type: e.currentTarget.value as OfflineField['type'] })}>
                        <Options values={FIELD_TYPES} name={(x) => t.tk.fieldTypes[x]} />
                      </select>
                    </td>
                    <td class="st-center">
                      <input type="checkbox" aria-label={t.tk.fieldRequired} checked={f.required} onChange={(e) => setField(i, { required: e.currentTarget.checked })} />
                    </td>
                    <td>
                      <button type="button" class="icon" aria-label={t.tk.removeField(f.label || f.key)} onClick={() => edit({ fields: form.fields.filter((_, j) => j !== i) })}>
                        ×
                      </button>
                    </td>
                  </tr>
                ))}
                {[
                  { key: 'email', label: t.email, type: t.tk.fieldTypes.email },
                  { key: 'message', label: t.tk.messageField, type: t.tk.fieldTypes.textarea },
                ].map((f) => (
                  <tr key={f.key} class="st-always">
                    <td>{f.label}</td>
                    <td>
                      <code>{f.key}</code>
                    </td>
                    <td>{f.type}</td>
                    <td class="st-center">✓</td>
                    <td class="adm-muted small">{t.tk.alwaysThere}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {form.fields.length < MAX_FIELDS && (
              <button type="button" class="adm-ghost st-add-field" onClick={() => edit({ fields: [...form.fields, { key: '', label: '', type: 'text', required: false }] })}>
                + {t.tk.addField}
              </button>
            )}
          </fieldset>

          {problems.length > 0 && (
            <ul class="st-problems" role="alert">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <ErrorLine error={save.error} />
          <div class="adm-form-actions">
            <button type="submit" class="adm-primary" disabled={save.busy}>
              {save.busy ? t.tk.saving : t.save}
            </button>
            {saved && (
              <span class="adm-ok" role="status">
                {t.tk.saved}
              </span>
            )}
          </div>
        </form>
      )}
    </details>
  );
}

/**
 * @module Sites and their bot (admins): each site's key, and the bot webhook that takes new conversations
 * first (SPEC R12). Saving a webhook may answer a new bot token, shown here once and never again. Under each
 * site, its masking of sensitive data (issue 6) and its offline hours, tickets and leave-a-message form
 * (SiteTicketing, SPEC T1, T2), and its widget: appearance, pre-chat, files, identity (SiteWidget, SPEC W4-W6).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BotSettingsAnswer } from '../../shared/api';
import { adminApi, type MaskingMode, type SiteInfo } from './admin-api';
import { webhookValue, type Problem } from './forms';
import { useAction, useResource } from './hooks';
import { t } from './i18n';
import { SiteTicketing } from './SiteTicketing';
import { SiteWidget } from './SiteWidget';
import { Field, InlineError, LoadedList } from './ui';
import './admin.css';

/** `siteId`: the site the URL names (issue 15, /console/admin/sites/:id), scrolled to once the list is in. */
export function Sites({ siteId = null }: { siteId?: string | null } = {}) {
  const sites = useResource(() => adminApi.sites(), []);
  useEffect(() => {
    if (siteId && sites.data) document.getElementById(`adm-site-${siteId}`)?.scrollIntoView({ block: 'start' });
  }, [siteId, sites.data]);
  return (
    <section class="adm-section" aria-labelledby="adm-sites-title">
      <div class="adm-head">
        <h2 id="adm-sites-title">{t.tabs.sites}</h2>
      </div>
      <InlineError message={sites.error} />
      <LoadedList items={sites.data} loading={sites.loading} empty={t.noSites}>
        {(rows) => (
          <ul class="adm-list">
            {rows.map((s) => (
              <li key={s.id} id={`adm-site-${s.id}`} class={`adm-row column${s.id === siteId ? ' current' : ''}`}>
                <SiteBot site={s} />
                <SiteMasking site={s} />
                <SiteTicketing siteId={s.id} siteName={s.name} />
                <SiteWidget siteId={s.id} siteName={s.name} />
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}

function SiteBot({ site }: { site: SiteInfo }) {
  const [current, setCurrent] = useState(site.botWebhookUrl);
  const [url, setUrl] = useState(site.botWebhookUrl ?? '');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [answer, setAnswer] = useState<BotSettingsAnswer | null>(null);
  const save = useAction();

  const send = async (value: string | null) => {
    setAnswer(null);
    await save.run(async () => {
      const a = await adminApi.setSiteBot(site.id, value);
      setAnswer(a);
      setCurrent(a.botWebhookUrl);
      setUrl(a.botWebhookUrl ?? '');
    });
  };
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const checked = webhookValue(url);
    setProblem(checked.ok ? null : checked.problem);
    if (checked.ok) void send(checked.value);
  };

  return (
    <>
      <div class="adm-main">
        <strong>{site.name}</strong>
        <span class="adm-tags">
          <span class={`adm-tag${current ? ' on' : ''}`}>{current ? t.botOn : t.botOff}</span>
        </span>
        <p class="adm-sub">
          {t.siteKey}: <code>{site.key}</code>
        </p>
      </div>
      <form class="adm-inline-form" onSubmit={onSubmit} noValidate>
        <Field label={t.webhook} problem={problem ?? undefined} hint={t.webhookHint} wide>
          <input type="url" inputMode="url" placeholder="https://" value={url} onInput={(e) => setUrl(e.currentTarget.value)} aria-invalid={problem ? 'true' : undefined} />
        </Field>
        <div class="adm-form-actions">
          <button type="submit" class="adm-primary" disabled={save.busy}>
            {save.busy ? t.saving : t.save}
          </button>
          {current !== null && (
            <button type="button" class="adm-ghost danger" disabled={save.busy} onClick={() => void send(null)}>
              {t.turnOff}
            </button>
          )}
        </div>
        <InlineError message={save.error} />
      </form>
      {answer?.botToken ? (
        <TokenOnce token={answer.botToken} onHide={() => setAnswer(null)} />
      ) : (
        answer?.botWebhookUrl && (
          <p class="adm-ok" role="status">
            {t.tokenKept}
          </p>
        )
      )}
    </>
  );
}

const MASKING_MODES: readonly MaskingMode[] = ['off', 'mask', 'redact'];

/** Issue 6: off, mask in agent views, or redact before storing; saved as soon as it is picked. */
function SiteMasking({ site }: { site: SiteInfo }) {
  const [mode, setMode] = useState<MaskingMode | null>(null);
  const [saved, setSaved] = useState(false);
  const load = useAction();
  const save = useAction();
  const id = `adm-masking-${site.id}`;

  useEffect(() => {
    void load.run(() => adminApi.siteMasking(site.id)).then((a) => a && setMode(a.value));
  }, [site.id]);

  const pick = async (next: string) => {
    const picked = MASKING_MODES.find((m) => m === next);
    if (!picked || picked === mode) return;
    const before = mode;
    setMode(picked);
    setSaved(false);
    const a = await save.run(() => adminApi.setSiteMasking(site.id, picked));
    if (a) {
      setMode(a.value);
      setSaved(true);
    } else {
      setMode(before);
    }
  };

  return (
    <div class="adm-masking">
      <label class="adm-label" for={id}>
        {t.masking}
      </label>
      <div class="adm-masking-row">
        <select id={id} value={mode ?? ''} disabled={mode === null || save.busy} aria-describedby={`${id}-help`} onChange={(e) => void pick(e.currentTarget.value)}>
          {mode === null && <option value="">{t.loading}</option>}
          {MASKING_MODES.map((m) => (
            <option key={m} value={m} title={t.maskingHelp[m]}>
              {t.maskingModes[m]}
            </option>
          ))}
        </select>
        {saved && (
          <span class="adm-ok" role="status">
            {t.maskingSaved}
          </span>
        )}
      </div>
      <span id={`${id}-help`} class="adm-hint">
        {mode ? t.maskingHelp[mode] : null}
      </span>
      <InlineError message={load.error ?? save.error} />
    </div>
  );
}

/** The new token with a copy button; hidden for good once the admin closes it. */
function TokenOnce({ token, onHide }: { token: string; onHide: () => void }) {
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      // No clipboard (plain http or refused): select the text so Ctrl+C works.
      field.current?.select();
    }
  };
  return (
    <div class="adm-token" role="alert">
      <p class="adm-warning">{t.tokenOnce}</p>
      <label class="adm-field wide">
        <span class="adm-label">{t.botToken}</span>
        <span class="adm-token-row">
          <input
            ref={field}
            readOnly
            value={token}
            onFocus={(e) => e.currentTarget.select()}
            spellcheck={false}
          />
          <button type="button" class="adm-primary" onClick={() => void copy()}>
            {copied ? t.copied : t.copy}
          </button>
        </span>
      </label>
      <button type="button" class="adm-ghost" onClick={onHide}>
        {t.tokenDone}
      </button>
    </div>
  );
}

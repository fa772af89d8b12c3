/**
 * @module Sites (admins). Issue 15: sites are created, renamed and deleted here; each site's page shows its
 * install snippet, its allowed pages with the refused ones beside them (one click allows), and a live preview
 * of its widget. Then each site's key, and the bot webhook that takes new conversations
 * first (SPEC R12). Saving a webhook may answer a new bot token, shown here once and never again. Under each
 * site, its masking of sensitive data (issue 6) and its offline hours, tickets and leave-a-message form
 * (SiteTicketing, SPEC T1, T2), and its widget: appearance, pre-chat, files, identity (SiteWidget, SPEC W4-W6).
 */
import { useEffect, useState } from 'preact/hooks';
import type { BotSettingsAnswer, RefusedOriginsAnswer } from '../../shared/api';
import { adminApi, type MaskingMode, type SiteInfo } from './admin-api';
import { webhookValue, type Problem } from './forms';
import { useAction, useCopy, useResource } from './hooks';
import { t } from './i18n';
import { SiteTicketing } from './SiteTicketing';
import { SiteWidget } from './SiteWidget';
import { Field, InlineError, LoadedList } from './ui';
import './admin.css';

type RefusedOrigin = RefusedOriginsAnswer['refused'][number];

/** `siteId`: the site the URL names (/console/admin/sites/:id); `onSite`: picking a site changes the URL. */
export function Sites({ siteId = null, onSite }: { siteId?: string | null; onSite?: (id: string | null) => void } = {}) {
  const page = useResource(() => adminApi.sitesPage(), []);
  const [pickedHere, setPickedHere] = useState<string | null>(siteId);
  const picked = siteId ?? pickedHere;
  const setPicked = (id: string | null) => {
    setPickedHere(id);
    onSite?.(id);
  };
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const list = page.data?.sites ?? null;
  const current = list?.find((s) => s.id === picked) ?? list?.[0] ?? null;

  const created = (site: SiteInfo) => {
    setAdding(false);
    setNotice(null);
    setPicked(site.id);
    page.reload();
  };

  return (
    <section class="adm-section" aria-labelledby="adm-sites-title">
      <div class="adm-head">
        <h2 id="adm-sites-title">{t.tabs.sites}</h2>
        <button type="button" class="adm-primary" onClick={() => setAdding(true)} disabled={adding}>
          {t.sitePage.add}
        </button>
      </div>
      <InlineError message={page.error} />
      {notice && (
        <p class="adm-ok" role="status">
          {notice}
        </p>
      )}
      {adding && <NewSite onCreated={created} onCancel={() => setAdding(false)} />}
      <LoadedList items={list} loading={page.loading} empty={t.noSites}>
        {(rows) => (
          <>
            {rows.length > 1 && (
              <div class="adm-sitebar" role="group" aria-label={t.sitePage.pick}>
                {rows.map((s) => (
                  <button key={s.id} type="button" class={`adm-chip${s.id === current?.id ? ' on' : ''}`} aria-pressed={s.id === current?.id} onClick={() => setPicked(s.id)}>
                    {s.name}
                  </button>
                ))}
              </div>
            )}
            {current && (
              <SitePage
                key={current.id}
                site={current}
                serverUrl={page.data!.serverUrl}
                last={rows.length === 1}
                onChanged={page.reload}
                onDeleted={(text) => {
                  setNotice(text);
                  setPicked(null);
                  page.reload();
                }}
              />
            )}
          </>
        )}
      </LoadedList>
    </section>
  );
}

/** What is wrong with a site's name (trimmed), as the server's SiteNameBody judges it: 1 to 80 characters. */
const nameProblem = (value: string): Problem | null => (value === '' ? 'required' : value.length > 80 ? 'too_long' : null);

/** Issue 15: a new site's name; the site starts with its own key and `self` as its only allowed page. */
function NewSite({ onCreated, onCancel }: { onCreated: (site: SiteInfo) => void; onCancel: () => void }) {
  return <SiteNameForm initial="" label={t.sitePage.add} submitLabel={t.sitePage.create} hint={t.sitePage.nameHint} card save={(name) => adminApi.createSite(name)} onSaved={onCreated} onCancel={onCancel} />;
}

/**
 * A site's name, for a new site or a rename: trimmed and checked as the server checks it (nameProblem), then
 * `save`d; `onSaved` gets what the save answered.
 */
function SiteNameForm<T>(props: {
  initial: string;
  /** The form's accessible name. */
  label: string;
  submitLabel: string;
  hint?: string;
  /** Drawn as a card of its own (a new site), not inside the site's head (a rename). */
  card?: boolean;
  save: (name: string) => Promise<T>;
  onSaved: (value: T) => void;
  onCancel: () => void;
}) {
  const { initial, label, submitLabel, hint, card = false, save: saveName, onSaved, onCancel } = props;
  const [name, setName] = useState(initial);
  const [problem, setProblem] = useState<Problem | null>(null);
  const save = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const value = name.trim();
    const wrong = nameProblem(value);
    setProblem(wrong);
    if (wrong) return;
    const a = await save.run(() => saveName(value));
    if (a) onSaved(a.value);
  };
  return (
    <form class={card ? 'adm-inline-form adm-card' : 'adm-inline-form'} onSubmit={(e) => void submit(e)} noValidate aria-label={label}>
      <Field label={t.sitePage.name} problem={problem ?? undefined} hint={hint} wide>
        <input type="text" value={name} maxLength={100} autoFocus onInput={(e) => setName(e.currentTarget.value)} aria-invalid={problem ? 'true' : undefined} />
      </Field>
      <div class="adm-form-actions">
        <button type="submit" class="adm-primary" disabled={save.busy}>
          {save.busy ? t.saving : submitLabel}
        </button>
        <button type="button" class="adm-ghost" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
      <InlineError message={save.error} />
    </form>
  );
}

/**
 * Issue 15: one site's page: its name (rename, delete), the install snippet, the allowed pages with the
 * refused ones beside them (one click allows), a live preview of the widget, then the widget's settings,
 * the bot, masking and offline settings.
 */
function SitePage({ site, serverUrl, last, onChanged, onDeleted }: { site: SiteInfo; serverUrl: string; last: boolean; onChanged: () => void; onDeleted: (notice: string) => void }) {
  const [renaming, setRenaming] = useState(false);
  const [preview, setPreview] = useState<PreviewLook | null>(null);
  const remove = useAction();

  useEffect(() => {
    void adminApi.siteWidget(site.id).then(
      (w) => setPreview((p) => p ?? { color: w.color, position: w.position, launcherText: w.launcherText ?? '', greeting: w.greeting ?? '' }),
      () => undefined,
    );
  }, [site.id]);

  const del = async () => {
    if (!window.confirm(t.sitePage.confirmDelete(site.name))) return;
    const a = await remove.run(() => adminApi.deleteSite(site.id));
    if (a) onDeleted(t.sitePage.deleted(site.name, a.value.conversations, a.value.tickets));
  };

  return (
    <article class="adm-site" aria-labelledby={`adm-site-${site.id}`}>
      <header class="adm-site-head">
        {renaming ? (
          <RenameSite site={site} onDone={(changed) => (setRenaming(false), changed && onChanged())} />
        ) : (
          <>
            <div class="adm-main">
              <h3 id={`adm-site-${site.id}`}>{site.name}</h3>
              <p class="adm-sub">
                {t.siteKey}: <code>{site.key}</code>
              </p>
            </div>
            <div class="adm-actions">
              <button type="button" class="adm-ghost" onClick={() => setRenaming(true)}>
                {t.sitePage.rename}
              </button>
              <button type="button" class="adm-ghost danger" onClick={() => void del()} disabled={last || remove.busy} title={last ? t.sitePage.lastHint : undefined}>
                {t.sitePage.delete}
              </button>
            </div>
          </>
        )}
      </header>
      {last && <p class="adm-hint">{t.sitePage.lastHint}</p>}
      <InlineError message={remove.error} />
      <div class="adm-site-grid">
        <div class="adm-site-col">
          <Install site={site} serverUrl={serverUrl} />
          <AllowedPages siteId={site.id} />
        </div>
        {preview && <Preview look={preview} siteName={site.name} />}
      </div>
      <SiteWidget siteId={site.id} siteName={site.name} onPreview={(f) => setPreview({ color: f.color, position: f.position, launcherText: f.launcherText, greeting: f.greeting })} />
      <div class="adm-row column adm-card">
        <SiteBot site={site} />
        <SiteMasking site={site} />
      </div>
      <SiteTicketing siteId={site.id} siteName={site.name} />
    </article>
  );
}

function RenameSite({ site, onDone }: { site: SiteInfo; onDone: (changed: boolean) => void }) {
  // An unchanged name saves nothing.
  const save = async (name: string) => name !== site.name && (await adminApi.renameSite(site.id, name), true);
  return <SiteNameForm initial={site.name} label={t.sitePage.rename} submitLabel={t.save} save={save} onSaved={onDone} onCancel={() => onDone(false)} />;
}

/** The one line a site owner pastes into its pages, with the server's address (PUBLIC_URL) and the key. */
export const snippetOf = (serverUrl: string, key: string): string => `<script async src="${serverUrl}/widget/papo.js" data-site="${key}"></script>`;

function Install({ site, serverUrl }: { site: SiteInfo; serverUrl: string }) {
  const snippet = snippetOf(serverUrl, site.key);
  const { copied, field, copy } = useCopy<HTMLTextAreaElement>(snippet);
  return (
    <section class="adm-card" aria-labelledby={`adm-install-${site.id}`}>
      <h4 id={`adm-install-${site.id}`}>{t.sitePage.install}</h4>
      <p class="adm-hint">{t.sitePage.installHint}</p>
      <textarea ref={field} class="adm-snippet" readOnly rows={3} spellcheck={false} value={snippet} aria-label={t.sitePage.install} onFocus={(e) => e.currentTarget.select()} />
      <div class="adm-form-actions">
        <button type="button" class="adm-primary" onClick={() => void copy()}>
          {copied ? t.copied : t.sitePage.copySnippet}
        </button>
      </div>
    </section>
  );
}

/**
 * SPEC D10 and issue 15: the pages that may use the key, one per line, and beside them the pages refused
 * lately ("refused from https://shop.example.com (12 times today)") with one click to allow each.
 */
function AllowedPages({ siteId }: { siteId: string }) {
  const [origins, setOrigins] = useState<string | null>(null);
  const [refused, setRefused] = useState<RefusedOrigin[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const load = useAction();
  const save = useAction();
  const id = `adm-origins-${siteId}`;

  useEffect(() => {
    void load.run(() => Promise.all([adminApi.siteOrigins(siteId), adminApi.refusedOrigins(siteId)])).then((a) => {
      if (!a) return;
      setOrigins(a.value[0].join('\n'));
      setRefused(a.value[1]);
    });
  }, [siteId]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (origins === null) return;
    const lines = origins.split('\n').map((o) => o.trim()).filter((o) => o !== '');
    const a = await save.run(() => adminApi.setSiteOrigins(siteId, lines));
    if (a) {
      setOrigins(a.value.join('\n'));
      setSaved(t.sitePage.originsSaved);
    }
  };
  const allow = async (origin: string) => {
    const a = await save.run(() => adminApi.allowRefusedOrigin(siteId, origin));
    if (a) {
      setOrigins(a.value.join('\n'));
      setRefused((r) => r.filter((x) => x.origin !== origin));
      setSaved(t.sitePage.allowed(origin));
    }
  };

  return (
    <section class="adm-card" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t.sitePage.allowedPages}</h4>
      <InlineError message={load.error} />
      {origins !== null && (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <label class="adm-field wide">
            <span class="adm-label">{t.sitePage.allowedLabel}</span>
            <textarea
              id={id}
              rows={3}
              spellcheck={false}
              value={origins}
              onInput={(e) => {
                setSaved(null);
                setOrigins(e.currentTarget.value);
              }}
            />
            <span class="adm-hint">{t.sitePage.allowedHint}</span>
          </label>
          <div class="adm-form-actions">
            <button type="submit" class="adm-primary" disabled={save.busy}>
              {save.busy ? t.saving : t.save}
            </button>
            {saved && (
              <span class="adm-ok" role="status">
                {saved}
              </span>
            )}
          </div>
        </form>
      )}
      <InlineError message={save.error} />
      {refused.length > 0 && (
        <div class="adm-refused">
          <p class="adm-hint">{t.sitePage.refusedHint}</p>
          <ul>
            {refused.map((r) => (
              <li key={r.origin}>
                <span>{t.sitePage.refusedFrom(r.origin, r.today, r.total)}</span>
                <button type="button" class="adm-ghost" disabled={save.busy} onClick={() => void allow(r.origin)} aria-label={t.sitePage.allowOrigin(r.origin)}>
                  {t.sitePage.allow}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

interface PreviewLook {
  color: string;
  position: 'left' | 'right';
  launcherText: string;
  greeting: string;
}

/**
 * Issue 15: a drawn preview of the widget on a page, in the settings being edited: the launcher's colour,
 * side and text, and the greeting beside it. Drawn, not the real widget: it changes as the admin types.
 */
function Preview({ look, siteName }: { look: PreviewLook; siteName: string }) {
  const color = /^#[0-9a-f]{6}$/i.test(look.color) ? look.color : '#047857';
  return (
    <section class="adm-card adm-preview-card" aria-labelledby={`adm-preview-${siteName}`}>
      <h4 id={`adm-preview-${siteName}`}>{t.sitePage.preview}</h4>
      <div class={`adm-preview${look.position === 'left' ? ' left' : ''}`} role="img" aria-label={t.sitePage.previewLabel(look.launcherText, look.position)} data-testid="widget-preview">
        <div class="adm-preview-page" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        {look.greeting.trim() !== '' && <p class="adm-preview-note">{look.greeting}</p>}
        <span class="adm-preview-launcher" style={{ background: color, color: onColor(color) }}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z" />
          </svg>
          {look.launcherText.trim() !== '' && <span>{look.launcherText}</span>}
        </span>
      </div>
      <p class="adm-hint">{t.sitePage.previewHint}</p>
    </section>
  );
}

/** Black or white text on the accent, whichever contrasts more (what the widget itself picks). */
function onColor(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
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
        <strong>{t.sitePage.bot}</strong>
        <span class="adm-tags">
          <span class={`adm-tag${current ? ' on' : ''}`}>{current ? t.botOn : t.botOff}</span>
        </span>
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
  const { copied, field, copy } = useCopy<HTMLInputElement>(token);
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

/**
 * @module The files chunk (SPEC W3), loaded only when the site takes files and the visitor attaches, drops
 * or pastes one, or when a message with attachments is shown: the attachments of a message (images as
 * thumbnails, documents as a row with a download button), the uploads in flight and the drop overlay.
 * Files are fetched with the visitor's token in a header, never in a URL, and shown through object URLs
 * that are revoked when their part goes away.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Attachment } from '../../../shared/protocol';
import type { Locale } from '../../contract';
import { formatSize } from './files';
import { adoptCss } from './sheet';
import { FILE_STRINGS, fileProblem } from './strings';
import { FINAL_UPLOAD_ERRORS, uploadsOf, type FilesHost } from './uploads';

export { uploadsOf } from './uploads';

const CSS = `
.chat{position:relative}
.atts{display:flex;flex-direction:column;gap:6px;margin:0 0 4px}
.mine .atts{align-items:flex-end}
.thumb{display:block;border-radius:12px;overflow:hidden;border:1px solid #e3e6ea;background:#eceef1;line-height:0}
.thumb img{display:block;max-width:220px;max-height:220px;object-fit:cover}
.thumb:focus-visible,.doc button:focus-visible,.up button:focus-visible{outline:3px solid #1f2328;outline-offset:2px}
.wait{display:block;width:120px;height:90px;border-radius:12px;background:#eceef1}
.doc{display:flex;align-items:center;gap:10px;padding:8px 10px;border:1px solid #e3e6ea;border-radius:12px;background:#fff;color:#1f2328;max-width:260px}
.doc svg,.up svg{flex:none;width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}
.doc .nm{flex:1;min-width:0;font-size:14px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.doc .sz,.up .sz{display:block;font-size:12px;color:#57606a}
.doc button,.up button{all:unset;box-sizing:border-box;display:grid;place-items:center;min-width:36px;height:36px;border-radius:8px;cursor:pointer;color:#1f2328}
.doc button:hover,.up button:hover{background:#eceef1}
.ups{list-style:none;margin:10px 0 0;padding:0;display:flex;flex-direction:column;gap:10px}
.ups[hidden]{display:none}
.up{width:82%}
.up .bubble{display:flex;flex-direction:column;gap:6px;align-self:stretch;min-width:0;background:#fff;color:#1f2328;border:1px solid #e3e6ea}
.up .top{display:flex;align-items:center;gap:8px}
.up .nm{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:14px}
.bar{height:6px;border-radius:3px;background:#e3e6ea;overflow:hidden}
.bar span{display:block;height:100%;background:var(--papo-accent,#047857);transition:width .2s}
.up.failed .bubble{background:#fbe9e9;color:#8a2b2b;border-color:#e9b7b7}
.up .acts{display:flex;gap:12px}
.up .acts button{all:unset;cursor:pointer;text-decoration:underline;font-weight:600;font-size:13px}
.drop{position:absolute;inset:0;z-index:5;display:grid;place-items:center;margin:0;background:rgba(255,255,255,.92);
  border:3px dashed var(--papo-accent,#047857);border-radius:inherit;font-size:17px;font-weight:650;color:#1f2328;pointer-events:none}
`;

/** Draws the chunk's styles into the shadow root of whatever part mounts first. */
function useCss() {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => adoptCss(ref.current, CSS), []);
  return ref;
}

/** A file of the conversation as an object URL, fetched with the token; revoked when the part goes away. */
function useFileUrl(host: FilesHost, id: string, enabled: boolean): { url: string | null; failed: boolean; blob: Blob | null } {
  const [state, setState] = useState<{ url: string | null; failed: boolean; blob: Blob | null }>({ url: null, failed: false, blob: null });
  useEffect(() => {
    if (!enabled) return;
    let url: string | null = null;
    let live = true;
    fetchFile(host, id)
      .then((blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setState({ url, failed: false, blob });
      })
      .catch(() => live && setState({ url: null, failed: true, blob: null }));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [host, id, enabled]);
  return state;
}

async function fetchFile(host: FilesHost, id: string): Promise<Blob> {
  const { server, token } = host.fileAccess();
  const res = await fetch(`${server}/api/v1/files/${encodeURIComponent(id)}`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  if (!res.ok) throw new Error(`GET file ${res.status}`);
  return res.blob();
}

export interface AttachmentsProps {
  list: readonly Attachment[];
  host: FilesHost;
  locale: Locale;
}

/** The files of one message, the visitor's or an agent's. */
export function Attachments({ list, host, locale }: AttachmentsProps) {
  const ref = useCss();
  return (
    <div class="atts" ref={ref as { current: HTMLDivElement | null }}>
      {list.map((a) => (a.kind === 'image' ? <Thumb key={a.id} a={a} host={host} locale={locale} /> : <Doc key={a.id} a={a} host={host} locale={locale} />))}
    </div>
  );
}

function Thumb({ a, host, locale }: { a: Attachment; host: FilesHost; locale: Locale }) {
  const t = FILE_STRINGS[locale];
  const { url, failed } = useFileUrl(host, a.id, true);
  if (failed) return <Doc a={a} host={host} locale={locale} />;
  if (!url) return <span class="wait" role="img" aria-label={`${t.loading} ${a.name}`} />;
  // A click opens the full image in a new tab, through the same object URL (no token in any address).
  return (
    <a class="thumb" href={url} target="_blank" rel="noopener noreferrer" title={t.open(a.name)}>
      <img src={url} alt={a.name} />
    </a>
  );
}

function Doc({ a, host, locale }: { a: Attachment; host: FilesHost; locale: Locale }) {
  const t = FILE_STRINGS[locale];
  const [problem, setProblem] = useState(false);
  const download = () => {
    setProblem(false);
    fetchFile(host, a.id)
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = a.name;
        link.rel = 'noopener';
        link.click();
        // The download has started from the URL by the next minute; then it is only memory.
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      })
      .catch(() => setProblem(true));
  };
  return (
    <div class="doc">
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z M14 3v5h5" />
      </svg>
      <span class="nm">
        {a.name}
        <span class="sz">{problem ? t.unavailable : formatSize(a.size, locale)}</span>
      </span>
      <button type="button" aria-label={t.download(a.name)} title={t.download(a.name)} onClick={download}>
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 4v11 M7 10l5 5 5-5 M5 20h14" />
        </svg>
      </button>
    </div>
  );
}

/** The uploads in flight or refused, as the visitor's own bubbles below the messages. */
export function Pending({ host, locale }: { host: FilesHost; locale: Locale }) {
  const uploads = uploadsOf(host);
  const [, redraw] = useState(0);
  useEffect(() => {
    // Effects run a frame late: an upload added or refused before this subscribed is drawn now.
    redraw((n) => n + 1);
    return uploads.subscribe(() => redraw((n) => n + 1));
  }, [uploads]);
  // Uploads belong to their conversation: none is left under an ended one or carried into the next.
  useEffect(() => uploads.follow(), [uploads, host.view.conversationId, host.view.status]);
  const list = uploads.list;
  const ref = useCss();
  const t = FILE_STRINGS[locale];
  const limit = formatSize(host.view.site?.widget?.uploads.maxBytes ?? 0, locale);
  const count = list.length;
  useEffect(() => {
    if (count) ref.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [count]);
  return (
    <ol class="ups" ref={ref as { current: HTMLOListElement | null }} hidden={count === 0}>
      {list.map((u) => (
        <li key={u.key} class={`msg mine up ${u.state}`}>
          <div class="bubble">
            <div class="top">
              <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z M14 3v5h5" />
              </svg>
              <span class="nm">
                {u.file.name}
                <span class="sz">{formatSize(u.file.size, locale)}</span>
              </span>
              {u.state === 'uploading' && (
                <button type="button" aria-label={`${t.cancel}: ${u.file.name}`} title={t.cancel} onClick={() => uploads.discard(u.key)}>
                  <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M6 6l12 12M18 6L6 18" />
                  </svg>
                </button>
              )}
            </div>
            {u.state === 'uploading' ? (
              <div class="bar" role="progressbar" aria-label={`${t.uploading}: ${u.file.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={u.progress}>
                <span style={{ width: `${u.progress}%` }} />
              </div>
            ) : (
              <>
                <p class="err" role="alert">
                  {fileProblem(u.code ?? '', t, limit)}
                </p>
                <div class="acts">
                  {!FINAL_UPLOAD_ERRORS.has(u.code ?? '') && (
                    <button type="button" onClick={() => uploads.retry(u.key)}>
                      {t.retry}
                    </button>
                  )}
                  <button type="button" onClick={() => uploads.discard(u.key)}>
                    {t.discard}
                  </button>
                </div>
              </>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** Over the window while a file is dragged onto it. */
export function Drop({ locale }: { locale: Locale }) {
  const ref = useCss();
  return (
    <p class="drop" ref={ref as { current: HTMLParagraphElement | null }} aria-hidden="true">
      {FILE_STRINGS[locale].drop}
    </p>
  );
}

/**
 * @module The only files code in the app chunk (SPEC W3): it listens for files dragged onto the window and
 * loads the files chunk (FilesUi.tsx) the moment one is attached, dropped or pasted, or a message with
 * attachments is shown. Kept small: the widget's 25 KB budget counts this file, not the chunk.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Attachment } from '../../../shared/protocol';
import type { Locale } from '../../contract';
import type { FilesHost } from './uploads';

/**
 * The file input's `accept`: the types SPEC W3 takes, images by MIME type (phones offer their photo
 * library for these), documents by extension. Only a hint for the picker. Here, not in files.ts: a module
 * both this chunk and the files chunk import becomes a shared chunk every open chat downloads.
 */
export const ACCEPT = 'image/jpeg,image/png,image/gif,image/webp,image/bmp,image/tiff,image/heic,image/heif,.heic,.heif,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.rtf';

type Chunk = typeof import('./FilesUi');
const load = (): Promise<Chunk> => import('./FilesUi');

/** An on-demand chunk once `want` turned true (and from then on); the pre-chat form's gate uses it too. */
export function useChunk<T>(want: unknown, from: () => Promise<T>): T | null {
  const [chunk, set] = useState<T | null>(null);
  useEffect(() => {
    if (want && !chunk) void from().then((c) => set(() => c));
  }, [want]);
  return chunk;
}

function Shown(props: { list: readonly Attachment[]; host: FilesHost; locale: Locale }) {
  const chunk = useChunk(1, load);
  return chunk ? <chunk.Attachments {...props} /> : <span class="wait" />;
}

/**
 * Files in the chat window. `on`: the site takes files and the composer's place is shown. The composer's
 * attach button and paste come once the visitor has an open conversation (the first message starts it;
 * only then is there somewhere to upload to); a file dropped before that is taken (never opened by the
 * browser in place of the page) and waits as a bubble that says to write first, with "Try again".
 * Answers `composer` (the Composer's file props), `zone` (the window's drag-and-drop handlers), the
 * `pending` uploads and the drop `overlay` to draw, and `show` for a message's attachments.
 */
export function useFiles(host: FilesHost, locale: Locale, on: boolean) {
  const [drag, setDrag] = useState(false);
  const [used, setUsed] = useState(false);
  const chunk = useChunk(drag || used, load);
  const attach = (files: File[]) => {
    if (!files.length) return;
    setUsed(true);
    void load().then((c) => c.uploadsOf(host).add(files));
  };
  const over = (e: DragEvent) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault(); // else the browser opens the file in place of the page
    setDrag(true);
  };
  return {
    composer: on && host.view.status === 'open' ? { onFiles: attach, accept: ACCEPT } : {},
    zone: on
      ? {
          onDragOver: over,
          // Leaving for a child is no leaving; only out of the window (or into nothing) ends the drag.
          onDragLeave: (e: DragEvent) => !(e.currentTarget as Node).contains(e.relatedTarget as Node | null) && setDrag(false),
          onDrop: (e: DragEvent) => {
            e.preventDefault();
            setDrag(false);
            attach(Array.from(e.dataTransfer?.files ?? []));
          },
        }
      : {},
    pending: chunk && <chunk.Pending host={host} locale={locale} />,
    overlay: drag && chunk && <chunk.Drop locale={locale} />,
    show: (list: readonly Attachment[]): ComponentChildren => <Shown list={list} host={host} locale={locale} />,
  };
}

/**
 * @module A message's files in the console (SPEC W3): images as thumbnails that open the full file, other
 * files as download links with their name and size. Served by GET /api/v1/files/{id} on the console's own
 * origin with the agent's cookie (the console's CSP allows img-src 'self').
 */
import type { Attachment } from '../../shared/protocol';
import { locale, t } from '../i18n/i18n';

/** The file's address; `download` forces the attachment disposition. */
export const fileUrl = (id: string, download = false) => `/api/v1/files/${encodeURIComponent(id)}${download ? '?download=1' : ''}`;

const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

/** 512 B, 12 KB, 3.4 MB (1024-based, as file managers show sizes). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${number.format(bytes / 1024)} KB`;
  return `${number.format(bytes / (1024 * 1024))} MB`;
}

/** Raster images a browser shows (the server serves these inline); TIFF and HEIF are downloads. */
const SHOWN = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']);

export function AttachmentList({ files }: { files: readonly Attachment[] }) {
  if (files.length === 0) return null;
  return (
    <ul class="attachments" aria-label={t.attachments}>
      {files.map((file) =>
        SHOWN.has(file.mime) ? (
          <li key={file.id} class="attachment image">
            <a href={fileUrl(file.id)} target="_blank" rel="noopener noreferrer" aria-label={t.openImage(file.name)}>
              <img src={fileUrl(file.id)} alt={file.name} loading="lazy" decoding="async" />
            </a>
          </li>
        ) : (
          <li key={file.id} class="attachment document">
            <a href={fileUrl(file.id, true)} download={file.name} aria-label={t.downloadFile(file.name, formatSize(file.size))}>
              <span class="file-name">{file.name}</span> <span class="file-size">{formatSize(file.size)}</span>
            </a>
          </li>
        ),
      )}
    </ul>
  );
}

/**
 * @module The files chunk's strings in pt-BR, en and es. They live in the on-demand chunk, not in the app's
 * locale files, so a chat that never sees a file does not download them (the widget's 25 KB budget).
 */
import type { Locale } from '../../contract';

const ptBR = {
  drop: 'Solte o arquivo aqui',
  uploading: 'Enviando arquivo',
  cancel: 'Cancelar envio',
  retry: 'Tentar de novo',
  discard: 'Descartar',
  tooLarge: (limit: string) => `O arquivo passa do limite de ${limit}.`,
  refused: 'Este tipo de arquivo não é aceito. Envie uma imagem (JPG, PNG, GIF, WEBP, BMP, TIFF, HEIF) ou um documento (PDF, Word, Excel, PowerPoint, TXT, RTF).',
  off: 'Este site não recebe arquivos.',
  slow: 'Muitos envios seguidos. Aguarde um pouco e tente de novo.',
  noChat: 'Envie uma mensagem primeiro; depois você pode anexar arquivos.',
  failed: 'Não foi possível enviar o arquivo.',
  download: (name: string) => `Baixar ${name}`,
  open: (name: string) => `Abrir ${name} em tamanho real`,
  loading: 'Carregando arquivo…',
  unavailable: 'Arquivo indisponível',
};

export type FileStrings = typeof ptBR;

const en: FileStrings = {
  drop: 'Drop the file here',
  uploading: 'Sending file',
  cancel: 'Cancel upload',
  retry: 'Try again',
  discard: 'Discard',
  tooLarge: (limit) => `The file is over the ${limit} limit.`,
  refused: 'This kind of file is not accepted. Send an image (JPG, PNG, GIF, WEBP, BMP, TIFF, HEIF) or a document (PDF, Word, Excel, PowerPoint, TXT, RTF).',
  off: 'This site does not take files.',
  slow: 'Too many uploads in a row. Wait a moment and try again.',
  noChat: 'Send a message first; then you can attach files.',
  failed: 'The file could not be sent.',
  download: (name) => `Download ${name}`,
  open: (name) => `Open ${name} full size`,
  loading: 'Loading file…',
  unavailable: 'File unavailable',
};

const es: FileStrings = {
  drop: 'Suelta el archivo aquí',
  uploading: 'Enviando archivo',
  cancel: 'Cancelar envío',
  retry: 'Reintentar',
  discard: 'Descartar',
  tooLarge: (limit) => `El archivo supera el límite de ${limit}.`,
  refused: 'Este tipo de archivo no se acepta. Envía una imagen (JPG, PNG, GIF, WEBP, BMP, TIFF, HEIF) o un documento (PDF, Word, Excel, PowerPoint, TXT, RTF).',
  off: 'Este sitio no recibe archivos.',
  slow: 'Demasiados envíos seguidos. Espera un momento e inténtalo de nuevo.',
  noChat: 'Envía un mensaje primero; después puedes adjuntar archivos.',
  failed: 'No se pudo enviar el archivo.',
  download: (name) => `Descargar ${name}`,
  open: (name) => `Abrir ${name} en tamaño real`,
  loading: 'Cargando archivo…',
  unavailable: 'Archivo no disponible',
};

export const FILE_STRINGS: Record<Locale, FileStrings> = { 'pt-BR': ptBR, en, es };

/** The refusal of a file, by its error code, in the visitor's language; `limit` is the site's, formatted. */
export function fileProblem(code: string, t: FileStrings, limit: string): string {
  switch (code) {
    case 'file_too_large':
      return t.tooLarge(limit);
    case 'file_type_refused':
      return t.refused;
    case 'uploads_off':
      return t.off;
    case 'rate_limited':
      return t.slow;
    case 'conversation_not_found':
    case 'conversation_closed':
      return t.noChat;
    default:
      return t.failed;
  }
}

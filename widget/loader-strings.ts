/**
 * @module The loader's few strings (the launcher's labels and its "did not load" note) in pt-BR, en and es.
 * They ship inside papo.js, before the app and its lazy language chunks: every byte here counts against the
 * loader's 3 KB budget, so the table holds only what the launcher shows. Keys in alphabetical order and es
 * before en: of the 240 orders, one of those gzip packs best (measured; 7 B less than the worst).
 */
import type { Locale } from './contract';

const ptBR = {
  close: 'Fechar chat',
  dismiss: 'Dispensar',
  failed: 'O chat não carregou.',
  open: 'Abrir chat',
  /** After the open label and before the count: "Abrir chat, novas mensagens: 2" (one form for 1 and for many). */
  unread: 'novas mensagens',
};

export type LoaderStrings = typeof ptBR;

export const LOADER_STRINGS: Record<Locale, LoaderStrings> = {
  'pt-BR': ptBR,
  es: { close: 'Cerrar chat', dismiss: 'Descartar', failed: 'El chat no cargó.', open: 'Abrir chat', unread: 'mensajes nuevos' },
  en: { close: 'Close chat', dismiss: 'Dismiss', failed: 'The chat did not load.', open: 'Open chat', unread: 'new messages' },
};

/**
 * @module The loader's few strings (the launcher's labels and its "did not load" note) in pt-BR, en and es.
 * They ship inside papo.js, before the app and its lazy language chunks: every byte here counts against the
 * loader's 3 KB budget, so the table holds only what the launcher shows.
 */
import type { Locale } from './contract';

const ptBR = {
  open: 'Abrir chat',
  close: 'Fechar chat',
  failed: 'O chat não carregou.',
  /** After the open label and before the count: "Abrir chat, novas mensagens: 2" (one form for 1 and for many). */
  unread: 'novas mensagens',
  dismiss: 'Dispensar',
};

export type LoaderStrings = typeof ptBR;

export const LOADER_STRINGS: Record<Locale, LoaderStrings> = {
  'pt-BR': ptBR,
  en: { open: 'Open chat', close: 'Close chat', failed: 'The chat did not load.', unread: 'new messages', dismiss: 'Dismiss' },
  es: { open: 'Abrir chat', close: 'Cerrar chat', failed: 'El chat no cargó.', unread: 'mensajes nuevos', dismiss: 'Descartar' },
};

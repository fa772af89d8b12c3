/** @module The e-mails a visitor receives, in English, typed against the Portuguese table. */
import { TRANSCRIPT_LABELS } from '../../shared/transcript';
import type { ptBR } from './mail-pt-BR';

export const en: typeof ptBR = {
  ticket: (n) => `Your ticket #${n}`,
  received: (site, n) => `We received your message at ${site} and opened ticket #${n}. We will answer by e-mail.`,
  notYou: (site) => `If you did not write to ${site}, ignore this e-mail.`,
  yourMessage: 'Your message:',
  asked: (site) => `Someone at ${site} asked for this conversation to be sent to this address. If it was not you, ignore this e-mail.`,
  transcript: TRANSCRIPT_LABELS.en,
};

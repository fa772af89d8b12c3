/**
 * @module The e-mails a visitor receives, in Portuguese (Brazil): the product's first language and the key
 * source. Every other language is typed against this table (the console's locale tables are the pattern),
 * so a missing string does not compile. Subjects take only the ticket number and the site's name (SPEC L5);
 * domain/mail.ts puts the pieces together and decides what a mail may quote.
 */
import { TRANSCRIPT_LABELS } from '../../shared/transcript';

export const ptBR = {
  /** A ticket's name in its subjects: the confirmation's, and after "Re: " a reply's. */
  ticket: (n: number) => `Seu chamado #${n}`,
  /** SPEC T8: the confirmation's first line. */
  received: (site: string, n: number) => `Recebemos sua mensagem em ${site} e abrimos o chamado #${n}. Responderemos por este e-mail.`,
  /** SPEC L4: a confirmation to an address nobody vouched for ends with this instead of the message. */
  notYou: (site: string) => `Se você não escreveu para ${site}, ignore este e-mail.`,
  /** SPEC L4: before the visitor's message, quoted to a confirmed address only. */
  yourMessage: 'Sua mensagem:',
  /** SPEC L4, L5: a transcript to an address nobody vouched for starts by saying where it comes from. */
  asked: (site: string) => `Alguém pediu em ${site} que esta conversa fosse enviada para este endereço. Se não foi você, ignore este e-mail.`,
  /** SPEC T6: the transcript's title (also its subject) and labels, the same the widget downloads. */
  transcript: TRANSCRIPT_LABELS['pt-BR'],
};

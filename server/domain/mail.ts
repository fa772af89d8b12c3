/**
 * @module The e-mails a visitor can cause, as pure functions (issue 11 F1, SPEC L4, L5): which mailbox an
 * address reaches, and the subject and body of a ticket confirmation, an agent's reply and a transcript.
 * No subject carries visitor text (a form's first line became the subject, and the operator's MAIL_FROM
 * sent phishing for whoever wrote it); a body quotes the visitor only where that is what was asked for.
 */
import { TRANSCRIPT_LABELS } from '../../shared/transcript';

export type MailLocale = keyof typeof TRANSCRIPT_LABELS;

export interface MailText {
  subject: string;
  text: string;
}

/** The site's widget language for its mail; without one, Portuguese (the product's first language). */
export function mailLocale(locale: string | null | undefined): MailLocale {
  return locale === 'en' || locale === 'es' || locale === 'pt-BR' ? locale : 'pt-BR';
}

/**
 * SPEC L4: the mailbox an address reaches, so one limit holds however it is spelt: lower case, without a
 * `+tag` (sub-addressing at Gmail, Outlook, Fastmail, Proton and most others), and for Gmail without dots.
 * Merging two real mailboxes only makes a limit stricter; missing a spelling would let it be bypassed.
 *
 * @example mailboxKey('A.na+promo@GMail.com') // 'ana@gmail.com'
 */
export function mailboxKey(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  let local = address.slice(0, at);
  let domain = address.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\./g, '') || local;
  return `${local}@${domain}`;
}

interface Words {
  ticket: (n: number) => string;
  received: (site: string, n: number) => string;
  notYou: (site: string) => string;
  yourMessage: string;
  asked: (site: string) => string;
}

const WORDS: Record<MailLocale, Words> = {
  'pt-BR': {
    ticket: (n) => `Seu chamado #${n}`,
    received: (site, n) => `Recebemos sua mensagem em ${site} e abrimos o chamado #${n}. Responderemos por este e-mail.`,
    notYou: (site) => `Se você não escreveu para ${site}, ignore este e-mail.`,
    yourMessage: 'Sua mensagem:',
    asked: (site) => `Alguém pediu em ${site} que esta conversa fosse enviada para este endereço. Se não foi você, ignore este e-mail.`,
  },
  en: {
    ticket: (n) => `Your ticket #${n}`,
    received: (site, n) => `We received your message at ${site} and opened ticket #${n}. We will answer by e-mail.`,
    notYou: (site) => `If you did not write to ${site}, ignore this e-mail.`,
    yourMessage: 'Your message:',
    asked: (site) => `Someone at ${site} asked for this conversation to be sent to this address. If it was not you, ignore this e-mail.`,
  },
  es: {
    ticket: (n) => `Su solicitud #${n}`,
    received: (site, n) => `Recibimos su mensaje en ${site} y abrimos la solicitud #${n}. Le responderemos por este correo.`,
    notYou: (site) => `Si usted no escribió a ${site}, ignore este correo.`,
    yourMessage: 'Su mensaje:',
    asked: (site) => `Alguien en ${site} pidió que esta conversación se enviara a esta dirección. Si no fue usted, ignore este correo.`,
  },
};

/** The site's name as one line (an admin typed it; a line break must not reach a header). */
const oneLine = (site: string) => site.replace(/[\r\n\t]+/g, ' ').replace(/ {2,}/g, ' ').trim();

/**
 * SPEC L5, T8: "your message became ticket #N". The visitor's message is quoted only to an address the
 * site vouched for (L4); to any other address the mail says nothing a stranger wrote.
 */
export function ticketConfirmation(input: { locale: MailLocale; site: string; number: number; message: string; confirmed: boolean }): MailText {
  const w = WORDS[input.locale];
  const site = oneLine(input.site);
  const tail = input.confirmed ? `${w.yourMessage}\n\n${input.message}\n` : `${w.notYou(site)}\n`;
  return { subject: `${w.ticket(input.number)} — ${site}`, text: `${w.received(site, input.number)}\n\n${tail}` };
}

/** SPEC T4, L5: an agent's reply on a ticket: the agent's words, under the ticket's fixed subject. */
export function ticketReply(input: { locale: MailLocale; site: string; number: number; text: string; agentName: string }): MailText {
  return { subject: `Re: ${WORDS[input.locale].ticket(input.number)} — ${oneLine(input.site)}`, text: `${input.text}\n\n— ${input.agentName}\n` };
}

/**
 * SPEC T6, L5: the transcript a visitor asked for (the visitor's text is what it is for). To an address
 * nobody vouched for it starts by saying where it comes from and that it may be ignored.
 */
export function transcriptMail(input: { locale: MailLocale; site: string; transcript: string; confirmed: boolean }): MailText {
  const site = oneLine(input.site);
  return {
    subject: `${TRANSCRIPT_LABELS[input.locale].title} — ${site}`,
    text: input.confirmed ? input.transcript : `${WORDS[input.locale].asked(site)}\n\n${input.transcript}`,
  };
}

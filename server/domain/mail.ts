/**
 * @module The e-mails a visitor can cause, as pure functions (issue 11 F1, SPEC L4, L5): which mailbox an
 * address reaches, and the subject and body of a ticket confirmation, an agent's reply and a transcript.
 * No subject carries visitor text (a form's first line became the subject, and the operator's MAIL_FROM
 * sent phishing for whoever wrote it); a body quotes the visitor only where that is what was asked for.
 * The words, one table per language, are in ../i18n/.
 */
import { MAIL_TEXT, type MailLocale } from '../i18n/mail-text';

export { mailLocale, type MailLocale } from '../i18n/mail-text';

export interface MailText {
  subject: string;
  text: string;
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

/** The site's name as one line (an admin typed it; a line break must not reach a header). */
const oneLine = (site: string) => site.replace(/[\r\n\t]+/g, ' ').replace(/ {2,}/g, ' ').trim();

/**
 * SPEC L5, T8: "your message became ticket #N". The visitor's message is quoted only to an address the
 * site vouched for (L4); to any other address the mail says nothing a stranger wrote.
 */
export function ticketConfirmation(input: { locale: MailLocale; site: string; number: number; message: string; confirmed: boolean }): MailText {
  const w = MAIL_TEXT[input.locale];
  const site = oneLine(input.site);
  const tail = input.confirmed ? `${w.yourMessage}\n\n${input.message}\n` : `${w.notYou(site)}\n`;
  return { subject: `${w.ticket(input.number)} — ${site}`, text: `${w.received(site, input.number)}\n\n${tail}` };
}

/** SPEC T4, L5: an agent's reply on a ticket: the agent's words, under the ticket's fixed subject. */
export function ticketReply(input: { locale: MailLocale; site: string; number: number; text: string; agentName: string }): MailText {
  return { subject: `Re: ${MAIL_TEXT[input.locale].ticket(input.number)} — ${oneLine(input.site)}`, text: `${input.text}\n\n— ${input.agentName}\n` };
}

/**
 * SPEC T6, L5: the transcript a visitor asked for (the visitor's text is what it is for). To an address
 * nobody vouched for it starts by saying where it comes from and that it may be ignored.
 */
export function transcriptMail(input: { locale: MailLocale; site: string; transcript: string; confirmed: boolean }): MailText {
  const site = oneLine(input.site);
  return {
    subject: `${MAIL_TEXT[input.locale].transcript.title} — ${site}`,
    text: input.confirmed ? input.transcript : `${MAIL_TEXT[input.locale].asked(site)}\n\n${input.transcript}`,
  };
}

/**
 * @module Outgoing e-mail (SPEC T8) through nodemailer and the SMTP server SMTP_URL names. Without it the
 * mailer is off: the server runs, says so once at start, and every send answers false.
 */
import nodemailer from 'nodemailer';
import type { Logger } from '../log';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly enabled: boolean;
  /** True when the SMTP server accepted the message; failures are logged, never thrown. */
  send(mail: Mail): Promise<boolean>;
  close(): void;
}

export function createMailer(smtpUrl: string | null, from: string, log: Logger): Mailer {
  if (!smtpUrl) {
    log.info('E-mail is off: set SMTP_URL to send ticket confirmations, transcripts and replies');
    return { enabled: false, send: async () => false, close() {} };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    enabled: true,
    async send(mail) {
      try {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
        return true;
      } catch (err) {
        log.warn('could not send e-mail', { to: mail.to, err: String(err) });
        return false;
      }
    },
    close() {
      transport.close();
    },
  };
}

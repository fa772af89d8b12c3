/**
 * @module A real SMTP server for the e-mail tests (SPEC T8, issue 4): `smtp-server` on 127.0.0.1, port 0,
 * no TLS, no login. It keeps every message it accepts, decoded just enough to assert on: the envelope,
 * the headers (encoded words decoded), the subject and the text body (quoted-printable or base64 undone).
 * Tests pass `env` to startTestServer, so the server's own mailer (nodemailer) talks to it over TCP.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';
import { WAIT_MS } from './agents';

export interface ReceivedMail {
  /** SMTP envelope: MAIL FROM and RCPT TO, lower-cased. */
  from: string | null;
  to: string[];
  /** Header names lower-cased; the last one wins when repeated. */
  headers: Record<string, string>;
  subject: string;
  /** The decoded text body (single-part text/plain). */
  text: string;
  raw: string;
}

export interface TestSmtp {
  port: number;
  url: string;
  /** Every message accepted so far, oldest first. */
  messages: ReceivedMail[];
  /** The env startTestServer needs to send here. */
  env: { SMTP_URL: string; MAIL_FROM: string };
  /** The first message (received or still to come) that passes `predicate`. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  stop(): Promise<void>;
}

export const TEST_MAIL_FROM = 'Papo Tests <papo@example.com>';

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          ...parseMail(raw),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : null,
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const url = `smtp://127.0.0.1:${port}`;
  return {
    port,
    url,
    messages,
    env: { SMTP_URL: url, MAIL_FROM: TEST_MAIL_FROM },
    async waitFor(predicate, timeoutMs = WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) {
          const seen = messages.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ') || 'none';
          throw new Error(`no matching e-mail within ${timeoutMs} ms; received: ${seen}`);
        }
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Inside a test file or a `describe`: a real SMTP server started before its tests and stopped after them.
 * What it answers reads through to that server, so a file names it once at the top and its tests and hooks
 * use it (reading it outside them fails).
 *
 * @example const smtp = smtpPerFile(); beforeEach(async () => { server = await startTestServer({ env: smtp.env }); });
 */
export function smtpPerFile(): TestSmtp {
  let smtp: TestSmtp | undefined;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp?.stop();
  });
  const started = (): TestSmtp => {
    if (!smtp) throw new Error('the test SMTP server starts in beforeAll: read it inside tests and hooks');
    return smtp;
  };
  return {
    get port() {
      return started().port;
    },
    get url() {
      return started().url;
    },
    get messages() {
      return started().messages;
    },
    get env() {
      return started().env;
    },
    waitFor: (predicate, timeoutMs) => started().waitFor(predicate, timeoutMs),
    stop: () => started().stop(),
  };
}

/** Headers and body of one RFC 5322 message (no multipart: the server sends text-only mail). */
export function parseMail(raw: string): Omit<ReceivedMail, 'from' | 'to'> {
  const normalized = raw.replace(/\r\n/g, '\n');
  const split = normalized.indexOf('\n\n');
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? '' : normalized.slice(split + 2);
  const headers: Record<string, string> = {};
  // Unfold continuation lines, then one header per line.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return { headers, subject: headers.subject ?? '', text: text.replace(/\r\n/g, '\n'), raw };
}

function decodeQuotedPrintable(body: string): string {
  return qpBytes(body.replace(/=\n/g, '')).toString('utf8');
}

/** `=XX` escapes become their byte; everything else stays as it is (UTF-8). */
function qpBytes(text: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(/=([0-9A-Fa-f]{2})/g)) {
    parts.push(Buffer.from(text.slice(last, m.index), 'utf8'), Buffer.from([parseInt(m[1]!, 16)]));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** RFC 2047 encoded words (=?utf-8?B?...?= and =?utf-8?Q?...?=), adjacent ones joined. */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : qpBytes(data.replace(/_/g, ' ')).toString('utf8'),
    );
}

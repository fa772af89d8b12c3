/**
 * Issue 11 F1 (SPEC L4, L5): which mailbox an address reaches (one limit per mailbox, however it is
 * spelt), and the mails a visitor can cause: fixed subjects in the site's language, visitor text in a body
 * only where it belongs.
 */
import { describe, expect, it } from 'vitest';
import { mailboxKey, mailLocale, ticketConfirmation, ticketReply, transcriptMail } from './mail';

describe('L4: mailboxKey', () => {
  it.each<[string, string]>([
    ['ana@example.com', 'ana@example.com'],
    ['  Ana@Example.COM ', 'ana@example.com'],
    // Sub-addressing (+tag) reaches the same mailbox at Gmail, Outlook, Fastmail, Proton and most others.
    ['ana+promo@example.com', 'ana@example.com'],
    ['ana+a+b@example.com', 'ana@example.com'],
    ['ana+@example.com', 'ana@example.com'],
    // Gmail ignores dots, and googlemail.com is gmail.com.
    ['a.n.a@gmail.com', 'ana@gmail.com'],
    ['A.NA+x@GoogleMail.com', 'ana@gmail.com'],
    // Elsewhere a dot is part of the name.
    ['a.na@example.com', 'a.na@example.com'],
    // A quoted or odd local part is kept (only lower-cased): never merged with someone else's.
    ['+tag@example.com', '+tag@example.com'],
    ['ana@sub.example.com', 'ana@sub.example.com'],
  ])('mailboxKey(%j) is %j', (email, key) => {
    expect(mailboxKey(email)).toBe(key);
  });
});

describe('L5: mail texts', () => {
  const PHISH = 'URGENTE: confirme sua senha em http://evil.example';

  it.each<[string | null | undefined, 'pt-BR' | 'en' | 'es']>([
    ['pt-BR', 'pt-BR'],
    ['en', 'en'],
    ['es', 'es'],
    [null, 'pt-BR'],
    [undefined, 'pt-BR'],
  ])('mailLocale(%j) is %j', (locale, expected) => {
    expect(mailLocale(locale)).toBe(expected);
  });

  it.each<['pt-BR' | 'en' | 'es', string, string, string]>([
    ['pt-BR', 'Seu chamado #12 — Loja Azul', 'Re: Seu chamado #12 — Loja Azul', 'Transcrição da conversa — Loja Azul'],
    ['en', 'Your ticket #12 — Loja Azul', 'Re: Your ticket #12 — Loja Azul', 'Conversation transcript — Loja Azul'],
    ['es', 'Su solicitud #12 — Loja Azul', 'Re: Su solicitud #12 — Loja Azul', 'Transcripción de la conversación — Loja Azul'],
  ])('%s: subjects are the number and the site name, never the visitor text', (locale, confirmation, reply, transcript) => {
    const site = 'Loja Azul';
    expect(ticketConfirmation({ locale, site, number: 12, message: PHISH, confirmed: false }).subject).toBe(confirmation);
    expect(ticketConfirmation({ locale, site, number: 12, message: PHISH, confirmed: true }).subject).toBe(confirmation);
    expect(ticketReply({ locale, site, number: 12, text: 'Olá', agentName: 'Bia' }).subject).toBe(reply);
    expect(transcriptMail({ locale, site, transcript: PHISH, confirmed: false }).subject).toBe(transcript);
  });

  it.each(['pt-BR', 'en', 'es'] as const)('%s: a confirmation quotes the message only to a confirmed address, and names the site and the number', (locale) => {
    const unconfirmed = ticketConfirmation({ locale, site: 'Loja Azul', number: 7, message: PHISH, confirmed: false });
    expect(unconfirmed.text).not.toContain('evil.example');
    expect(unconfirmed.text).toContain('#7');
    expect(unconfirmed.text).toContain('Loja Azul');
    const confirmed = ticketConfirmation({ locale, site: 'Loja Azul', number: 7, message: 'Minha fatura', confirmed: true });
    expect(confirmed.text).toContain('Minha fatura');
    expect(confirmed.text).toContain('#7');
  });

  it.each(['pt-BR', 'en', 'es'] as const)('%s: a transcript to an unconfirmed address starts with where it comes from', (locale) => {
    const mail = transcriptMail({ locale, site: 'Loja Azul', transcript: `T\n\n${PHISH}\n`, confirmed: false });
    expect(mail.text.endsWith(`T\n\n${PHISH}\n`)).toBe(true);
    expect(mail.text.indexOf('Loja Azul')).toBeLessThan(mail.text.indexOf(PHISH));
    expect(transcriptMail({ locale, site: 'Loja Azul', transcript: `T\n\n${PHISH}\n`, confirmed: true }).text).toBe(`T\n\n${PHISH}\n`);
  });

  it('an agent reply is the agent text signed with its name', () => {
    expect(ticketReply({ locale: 'pt-BR', site: 'Loja', number: 3, text: 'Resolvido.', agentName: 'Bia' }).text).toBe('Resolvido.\n\n— Bia\n');
  });

  it('a site name with a line break cannot add a header line', () => {
    expect(ticketConfirmation({ locale: 'en', site: 'Shop\r\nBcc: x@evil.example', number: 1, message: '', confirmed: false }).subject).toBe('Your ticket #1 — Shop Bcc: x@evil.example');
  });
});

/**
 * @module Issue 15: the strings of the state below a chat that became a ticket, in pt-BR, en and es, in
 * its on-demand chunk (the widget's budget: the opening state never downloads them).
 */
import type { Locale } from '../../contract';

const ptBR = {
  to: (to: string) => `Responderemos por e-mail para ${to}.`,
  ask: 'Para receber a resposta, deixe seu e-mail:',
  add: 'O que você escrever aqui vai para o chamado.',
  /** E-mail off: no reply is promised, only that the team reads it. */
  seen: 'Nossa equipe vai ver esta conversa no chamado.',
};

export type TicketStrings = typeof ptBR;

const en: TicketStrings = {
  to: (to) => `We will reply to ${to} by e-mail.`,
  ask: 'To get our reply, leave your e-mail:',
  add: 'Anything you add here goes to the ticket.',
  seen: 'Our team will see this conversation in the ticket.',
};

const es: TicketStrings = {
  to: (to) => `Te responderemos a ${to} por correo electrónico.`,
  ask: 'Para recibir la respuesta, deja tu correo electrónico:',
  add: 'Lo que escribas aquí se añade al ticket.',
  seen: 'Nuestro equipo verá esta conversación en el ticket.',
};

export const TICKET_STRINGS: Record<Locale, TicketStrings> = { 'pt-BR': ptBR, en, es };

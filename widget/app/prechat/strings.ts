/**
 * @module The pre-chat form's strings in pt-BR, en and es, in its on-demand chunk (the widget's budget).
 */
import type { Locale } from '../../contract';

const ptBR = {
  intro: 'Antes de começar, conte um pouco sobre você.',
  requiredNote: '* obrigatório',
  name: 'Nome',
  email: 'E-mail',
  queue: 'Assunto',
  message: 'Sua mensagem',
  start: 'Iniciar conversa',
  sending: 'Enviando…',
  required: 'Preencha este campo.',
  badEmail: 'Informe um e-mail válido.',
  consentRequired: 'Marque para continuar.',
  tooLong: 'A mensagem é longa demais.',
  refused: 'Não foi possível iniciar a conversa. Confira os dados e tente de novo.',
};

export type PrechatStrings = typeof ptBR;

const en: PrechatStrings = {
  intro: 'Before we start, tell us a little about yourself.',
  requiredNote: '* required',
  name: 'Name',
  email: 'E-mail',
  queue: 'Subject',
  message: 'Your message',
  start: 'Start chat',
  sending: 'Sending…',
  required: 'Fill in this field.',
  badEmail: 'Enter a valid e-mail address.',
  consentRequired: 'Tick this to go on.',
  tooLong: 'The message is too long.',
  refused: 'The chat could not start. Check your answers and try again.',
};

const es: PrechatStrings = {
  intro: 'Antes de empezar, cuéntanos un poco sobre ti.',
  requiredNote: '* obligatorio',
  name: 'Nombre',
  email: 'Correo electrónico',
  queue: 'Asunto',
  message: 'Tu mensaje',
  start: 'Iniciar conversación',
  sending: 'Enviando…',
  required: 'Completa este campo.',
  badEmail: 'Escribe un correo electrónico válido.',
  consentRequired: 'Márcalo para continuar.',
  tooLong: 'El mensaje es demasiado largo.',
  refused: 'No se pudo iniciar la conversación. Revisa los datos e inténtalo de nuevo.',
};

export const PRECHAT_STRINGS: Record<Locale, PrechatStrings> = { 'pt-BR': ptBR, en, es };

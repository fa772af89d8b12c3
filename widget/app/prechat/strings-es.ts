/** @module The pre-chat form's strings in Spanish: loaded with the form, only the visitor's language (strings.ts). */
import type { PrechatStrings } from './strings';

const strings: PrechatStrings = {
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
export default strings;

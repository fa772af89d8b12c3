/** @module The pre-chat form's strings in English: loaded with the form, only the visitor's language (strings.ts). */
import type { PrechatStrings } from './strings';

const strings: PrechatStrings = {
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
export default strings;

/** @module The e-mails a visitor receives, in Spanish, typed against the Portuguese table. */
import { TRANSCRIPT_LABELS } from '../../shared/transcript';
import type { ptBR } from './mail-pt-BR';

export const es: typeof ptBR = {
  ticket: (n) => `Su solicitud #${n}`,
  received: (site, n) => `Recibimos su mensaje en ${site} y abrimos la solicitud #${n}. Le responderemos por este correo.`,
  notYou: (site) => `Si usted no escribió a ${site}, ignore este correo.`,
  yourMessage: 'Su mensaje:',
  asked: (site) => `Alguien en ${site} pidió que esta conversación se enviara a esta dirección. Si no fue usted, ignore este correo.`,
  transcript: TRANSCRIPT_LABELS.es,
};

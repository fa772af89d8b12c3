/** @module The pre-chat form's strings in Portuguese (Brazil): loaded with the form, only the visitor's language (strings.ts). */
export default {
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

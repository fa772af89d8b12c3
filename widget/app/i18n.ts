/**
 * @module Every string a visitor sees, in Portuguese (Brazil), English and Spanish.
 */
import type { Locale } from '../contract';

const ptBR = {
  title: 'Fale com a gente',
  subtitle: 'Respondemos por aqui mesmo.',
  greeting: 'Olá! 👋 Como podemos ajudar?',
  close: 'Fechar chat',
  composeLabel: 'Sua mensagem',
  placeholder: 'Escreva sua mensagem…',
  send: 'Enviar',
  characters: 'caracteres',
  connecting: 'Conectando…',
  offline: 'Sem conexão. Suas mensagens serão enviadas assim que voltar.',
  failed: 'Esta versão do chat está desatualizada. Recarregue a página.',
  sending: 'Enviando…',
  notSent: 'Não enviada.',
  retry: 'Tentar de novo',
  discard: 'Descartar',
  you: 'Você',
  agent: 'Atendente',
  joined: (name: string) => `${name} entrou na conversa`,
  left: (name: string) => `${name} saiu da conversa`,
  log: 'Mensagens da conversa',
};

type Strings = typeof ptBR;

const en: Strings = {
  title: 'Chat with us',
  subtitle: 'We reply right here.',
  greeting: 'Hi! 👋 How can we help?',
  close: 'Close chat',
  composeLabel: 'Your message',
  placeholder: 'Write your message…',
  send: 'Send',
  characters: 'characters',
  connecting: 'Connecting…',
  offline: 'No connection. Your messages will be sent when it is back.',
  failed: 'This version of the chat is out of date. Reload the page.',
  sending: 'Sending…',
  notSent: 'Not sent.',
  retry: 'Try again',
  discard: 'Discard',
  you: 'You',
  agent: 'Agent',
  joined: (name) => `${name} joined the conversation`,
  left: (name) => `${name} left the conversation`,
  log: 'Conversation messages',
};

const es: Strings = {
  title: 'Habla con nosotros',
  subtitle: 'Respondemos por aquí mismo.',
  greeting: '¡Hola! 👋 ¿Cómo podemos ayudarte?',
  close: 'Cerrar chat',
  composeLabel: 'Tu mensaje',
  placeholder: 'Escribe tu mensaje…',
  send: 'Enviar',
  characters: 'caracteres',
  connecting: 'Conectando…',
  offline: 'Sin conexión. Tus mensajes se enviarán cuando vuelva.',
  failed: 'Esta versión del chat está desactualizada. Recarga la página.',
  sending: 'Enviando…',
  notSent: 'No enviado.',
  retry: 'Reintentar',
  discard: 'Descartar',
  you: 'Tú',
  agent: 'Agente',
  joined: (name) => `${name} se unió a la conversación`,
  left: (name) => `${name} salió de la conversación`,
  log: 'Mensajes de la conversación',
};

export const STRINGS: Record<Locale, Strings> = { 'pt-BR': ptBR, en, es };
export type { Strings };

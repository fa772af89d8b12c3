/**
 * @module Console strings in Portuguese (Brazil) and English, picked from the browser's language.
 */

const ptBR = {
  brand: 'Papo',
  signInTitle: 'Entrar no console',
  email: 'E-mail',
  password: 'Senha',
  signIn: 'Entrar',
  signingIn: 'Entrando…',
  signOut: 'Sair',
  invalidCredentials: 'E-mail ou senha incorretos.',
  somethingWrong: 'Não foi possível entrar. Tente de novo.',
  waiting: 'Aguardando',
  open: 'Em atendimento',
  noneWaiting: 'Nenhuma conversa aguardando.',
  noneOpen: 'Nenhuma conversa em atendimento.',
  pick: 'Escolha uma conversa à esquerda.',
  visitor: (tag: string) => `Visitante ${tag}`,
  you: 'Você',
  with: (name: string) => `Com ${name}`,
  unassigned: 'Aguardando atendimento',
  started: 'Conversa iniciada',
  joined: (name: string) => `${name} assumiu a conversa`,
  replyLabel: 'Sua resposta',
  replyPlaceholder: 'Responda ao visitante… (Enter envia, Shift+Enter quebra linha)',
  send: 'Enviar',
  characters: 'caracteres',
  sending: 'Enviando…',
  notSent: (code: string) => `Não enviada (${code}).`,
  online: 'Conectado',
  connecting: 'Conectando…',
  offline: 'Sem conexão — reconectando',
  failed: 'Console desatualizado: recarregue a página.',
  conversations: 'Conversas',
  loadOlder: 'Carregar mensagens anteriores',
  newMessage: 'nova mensagem',
};

type Strings = typeof ptBR;

const en: Strings = {
  brand: 'Papo',
  signInTitle: 'Sign in to the console',
  email: 'E-mail',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  invalidCredentials: 'Wrong e-mail or password.',
  somethingWrong: 'Could not sign in. Try again.',
  waiting: 'Waiting',
  open: 'In progress',
  noneWaiting: 'No conversation is waiting.',
  noneOpen: 'No conversation in progress.',
  pick: 'Pick a conversation on the left.',
  visitor: (tag) => `Visitor ${tag}`,
  you: 'You',
  with: (name) => `With ${name}`,
  unassigned: 'Waiting for an agent',
  started: 'Conversation started',
  joined: (name) => `${name} took the conversation`,
  replyLabel: 'Your reply',
  replyPlaceholder: 'Reply to the visitor… (Enter sends, Shift+Enter new line)',
  send: 'Send',
  characters: 'characters',
  sending: 'Sending…',
  notSent: (code) => `Not sent (${code}).`,
  online: 'Connected',
  connecting: 'Connecting…',
  offline: 'No connection — reconnecting',
  failed: 'Console out of date: reload the page.',
  conversations: 'Conversations',
  loadOlder: 'Load earlier messages',
  newMessage: 'new message',
};

export const t: Strings = (navigator.language ?? '').toLowerCase().startsWith('pt') ? ptBR : en;
export const locale = t === ptBR ? 'pt-BR' : 'en';

/** Times of day in the console's language, e.g. 14:05. */
export const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });

/** A short, stable label for an anonymous visitor: the last four hex digits of its id. */
export function visitorLabel(visitorId: string, name: string | null): string {
  return name ?? t.visitor(visitorId.replace(/-/g, '').slice(-4).toUpperCase());
}

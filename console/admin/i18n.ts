/**
 * @module Strings of the admin screens, the supervisor board and the live-visitor list, in Portuguese
 * (Brazil) and English, picked from the browser's language like the rest of the console.
 */
import type { AgentRole, AgentState, RoutingStrategy } from '../../shared/protocol';
import type { Problem } from './forms';

const ptBR = {
  admin: 'Administração',
  noAccess: 'Seu perfil não tem acesso à administração.',
  tabs: { canned: 'Respostas prontas', reasons: 'Motivos de encerramento', queues: 'Filas', agents: 'Agentes', sites: 'Sites e bot' },
  save: 'Salvar',
  saving: 'Salvando…',
  cancel: 'Cancelar',
  edit: 'Editar',
  delete: 'Excluir',
  add: 'Adicionar',
  search: 'Buscar',
  refresh: 'Atualizar',
  loading: 'Carregando…',
  actions: 'Ações',
  confirmDelete: (name: string) => `Excluir “${name}”? Isso não pode ser desfeito.`,
  networkError: 'Sem conexão com o servidor. Tente de novo.',
  problem: (problem: Problem, field: string): string =>
    ({
      required: `${field}: preencha este campo.`,
      email: `${field}: informe um e-mail válido.`,
      too_short: `${field}: use pelo menos 10 caracteres.`,
      too_long: `${field}: texto longo demais.`,
      range: `${field}: fora do intervalo permitido.`,
      url: `${field}: informe um endereço http:// ou https://.`,
      language: `${field}: use uma etiqueta como pt-BR ou en.`,
    })[problem],

  // Canned replies
  title: 'Título',
  text: 'Texto',
  category: 'Categoria',
  language: 'Idioma',
  allCategories: 'Todas as categorias',
  allLanguages: 'Todos os idiomas',
  searchReplies: 'Buscar por texto',
  newReply: 'Nova resposta pronta',
  editReply: 'Editar resposta pronta',
  noReplies: 'Nenhuma resposta pronta encontrada.',
  placeholders: 'Use {{visitor.name}} e {{agent.name}}: são trocados pelo nome do visitante e do agente ao inserir a resposta.',

  // Wrap-up reasons
  reason: 'Motivo',
  searchReasons: 'Buscar motivo',
  newReason: 'Novo motivo',
  noReasons: 'Nenhum motivo encontrado.',
  rename: 'Renomear',

  // Queues
  name: 'Nome',
  strategy: 'Distribuição',
  strategies: {
    broadcast: 'Todos veem (o primeiro a responder fica)',
    round_robin: 'Rodízio (oferta a um agente por vez)',
    least_busy: 'Menos ocupado (oferta a quem tem menos conversas)',
  } satisfies Record<RoutingStrategy, string>,
  strategyShort: { broadcast: 'Todos veem', round_robin: 'Rodízio', least_busy: 'Menos ocupado' } satisfies Record<RoutingStrategy, string>,
  offerTimeout: 'Tempo para aceitar (segundos)',
  offerTimeoutHint: 'De 5 a 600 s. Ao esgotar, o agente fica “Sem resposta” e a oferta passa ao próximo.',
  seconds: (s: string) => `${s} s`,
  members: 'Agentes da fila',
  site: 'Site',
  newQueue: 'Nova fila',
  editQueue: 'Editar fila',
  noQueues: 'Nenhuma fila criada.',
  noAgentsYet: 'Nenhum agente cadastrado.',

  // Agents
  email: 'E-mail',
  password: 'Senha',
  passwordHint: 'Pelo menos 10 caracteres. Passe a senha ao agente por um canal seguro.',
  role: 'Perfil',
  roles: { agent: 'Agente', supervisor: 'Supervisor', admin: 'Administrador' } satisfies Record<AgentRole, string>,
  capacity: 'Capacidade',
  capacityHint: 'Máximo de conversas simultâneas (1 a 50).',
  queues: 'Filas',
  state: 'Estado',
  states: { available: 'Disponível', unavailable: 'Indisponível', rona: 'Sem resposta', offline: 'Offline' } satisfies Record<AgentState, string>,
  newAgent: 'Novo agente',
  editAgent: (name: string) => `Editar ${name}`,
  noAgents: 'Nenhum agente.',
  ownRole: 'Você não pode mudar o seu próprio perfil.',
  noQueue: 'Nenhuma fila',

  // Sites and bot
  siteKey: 'Chave do site',
  webhook: 'Webhook do bot',
  webhookHint: 'As mensagens dos visitantes são enviadas (POST) a este endereço; vazio desliga o bot.',
  botOn: 'Bot ligado',
  botOff: 'Sem bot',
  turnOff: 'Desligar bot',
  botToken: 'Token do bot',
  tokenOnce: 'Copie agora: este token é mostrado uma única vez. O bot o usa para responder e transferir para uma fila.',
  tokenKept: 'Webhook salvo. O token atual do bot continua valendo.',
  copy: 'Copiar',
  copied: 'Copiado',
  tokenDone: 'Pronto, guardei o token',
  noSites: 'Nenhum site.',

  // Supervisor board
  board: 'Painel de filas',
  queue: 'Fila',
  waitingCount: 'Na fila',
  longestWait: 'Espera',
  longestWaitLong: 'Maior tempo de espera',
  availableAgents: 'Agentes',
  availableAgentsLong: 'Agentes disponíveis / conectados à fila',
  noQueueRow: 'Sem fila',
  allQueues: 'Todas as filas',
  showQueue: 'Mostrar agentes de',
  connected: 'Conectados',
  disconnected: 'Desconectados',
  conversations: 'Conversas',
  inState: (state: string, time: string) => `${state} há ${time}`,
  full: 'lotado',
  steer: (name: string) => `Estado de ${name}`,
  setAvailable: 'Disponível',
  setUnavailable: 'Indisponível',
  pickAgent: (name: string) => `Filtrar “Outros” por ${name}`,
  filteringBy: (name: string) => `Mostrando as conversas de ${name}`,
  clearFilter: 'Mostrar todos',
  nobody: 'Nenhum agente aqui.',

  // Live visitors
  liveVisitors: 'Visitantes no site',
  visitor: 'Visitante',
  page: 'Página atual',
  noPage: 'Página desconhecida',
  timeOnSite: 'No site há',
  returning: 'Recorrente',
  newVisitor: 'Novo',
  inConversation: 'Em conversa',
  open: 'Abrir',
  startChat: 'Iniciar conversa',
  firstMessage: 'Primeira mensagem',
  send: 'Enviar',
  sending: 'Enviando…',
  noVisitors: 'Nenhum visitante no site agora.',
  updated: (time: string) => `Atualizado às ${time}`,
  visitorTag: (tag: string) => `Visitante ${tag}`,
};

export type AdminStrings = typeof ptBR;

const en: AdminStrings = {
  admin: 'Administration',
  noAccess: 'Your role has no access to administration.',
  tabs: { canned: 'Canned replies', reasons: 'Wrap-up reasons', queues: 'Queues', agents: 'Agents', sites: 'Sites and bot' },
  save: 'Save',
  saving: 'Saving…',
  cancel: 'Cancel',
  edit: 'Edit',
  delete: 'Delete',
  add: 'Add',
  search: 'Search',
  refresh: 'Refresh',
  loading: 'Loading…',
  actions: 'Actions',
  confirmDelete: (name) => `Delete “${name}”? This cannot be undone.`,
  networkError: 'Could not reach the server. Try again.',
  problem: (problem, field) =>
    ({
      required: `${field}: fill this in.`,
      email: `${field}: enter a valid e-mail.`,
      too_short: `${field}: use at least 10 characters.`,
      too_long: `${field}: too long.`,
      range: `${field}: outside the allowed range.`,
      url: `${field}: enter an http:// or https:// address.`,
      language: `${field}: use a tag such as pt-BR or en.`,
    })[problem],

  title: 'Title',
  text: 'Text',
  category: 'Category',
  language: 'Language',
  allCategories: 'All categories',
  allLanguages: 'All languages',
  searchReplies: 'Search text',
  newReply: 'New canned reply',
  editReply: 'Edit canned reply',
  noReplies: 'No canned reply found.',
  placeholders: 'Use {{visitor.name}} and {{agent.name}}: they become the visitor’s and the agent’s names when the reply is inserted.',

  reason: 'Reason',
  searchReasons: 'Search reasons',
  newReason: 'New reason',
  noReasons: 'No reason found.',
  rename: 'Rename',

  name: 'Name',
  strategy: 'Routing',
  strategies: {
    broadcast: 'Broadcast (everyone sees it; the first to reply owns it)',
    round_robin: 'Round-robin (offered to one agent at a time)',
    least_busy: 'Least busy (offered to the agent with fewest conversations)',
  },
  strategyShort: { broadcast: 'Broadcast', round_robin: 'Round-robin', least_busy: 'Least busy' },
  offerTimeout: 'Time to accept (seconds)',
  offerTimeoutHint: '5 to 600 s. When it runs out the agent goes to No answer and the offer moves on.',
  seconds: (s) => `${s} s`,
  members: 'Queue members',
  site: 'Site',
  newQueue: 'New queue',
  editQueue: 'Edit queue',
  noQueues: 'No queue yet.',
  noAgentsYet: 'No agent yet.',

  email: 'E-mail',
  password: 'Password',
  passwordHint: 'At least 10 characters. Give it to the agent over a safe channel.',
  role: 'Role',
  roles: { agent: 'Agent', supervisor: 'Supervisor', admin: 'Admin' },
  capacity: 'Capacity',
  capacityHint: 'Most conversations at once (1 to 50).',
  queues: 'Queues',
  state: 'State',
  states: { available: 'Available', unavailable: 'Unavailable', rona: 'No answer', offline: 'Offline' },
  newAgent: 'New agent',
  editAgent: (name) => `Edit ${name}`,
  noAgents: 'No agent.',
  ownRole: 'You cannot change your own role.',
  noQueue: 'No queue',

  siteKey: 'Site key',
  webhook: 'Bot webhook',
  webhookHint: 'Visitors’ messages are POSTed to this address; empty turns the bot off.',
  botOn: 'Bot on',
  botOff: 'No bot',
  turnOff: 'Turn bot off',
  botToken: 'Bot token',
  tokenOnce: 'Copy it now: this token is shown only once. The bot uses it to reply and to hand off to a queue.',
  tokenKept: 'Webhook saved. The bot’s current token still works.',
  copy: 'Copy',
  copied: 'Copied',
  tokenDone: 'Done, I stored the token',
  noSites: 'No site.',

  board: 'Queue board',
  queue: 'Queue',
  waitingCount: 'Waiting',
  longestWait: 'Wait',
  longestWaitLong: 'Longest wait',
  availableAgents: 'Agents',
  availableAgentsLong: 'Agents available / connected in the queue',
  noQueueRow: 'No queue',
  allQueues: 'All queues',
  showQueue: 'Show agents of',
  connected: 'Connected',
  disconnected: 'Disconnected',
  conversations: 'Conversations',
  inState: (state, time) => `${state} for ${time}`,
  full: 'full',
  steer: (name) => `${name}’s state`,
  setAvailable: 'Available',
  setUnavailable: 'Unavailable',
  pickAgent: (name) => `Filter Others by ${name}`,
  filteringBy: (name) => `Showing ${name}’s conversations`,
  clearFilter: 'Show everyone',
  nobody: 'No agent here.',

  liveVisitors: 'Visitors on the site',
  visitor: 'Visitor',
  page: 'Current page',
  noPage: 'Unknown page',
  timeOnSite: 'On the site for',
  returning: 'Returning',
  newVisitor: 'New',
  inConversation: 'In a conversation',
  open: 'Open',
  startChat: 'Start chat',
  firstMessage: 'First message',
  send: 'Send',
  sending: 'Sending…',
  noVisitors: 'No visitor on the site now.',
  updated: (time) => `Updated at ${time}`,
  visitorTag: (tag) => `Visitor ${tag}`,
};

const language = typeof navigator === 'undefined' ? '' : (navigator.language ?? '');

export const t: AdminStrings = language.toLowerCase().startsWith('pt') ? ptBR : en;
export const locale = t === ptBR ? 'pt-BR' : 'en';

/** Times of day, e.g. 14:05:09, for "updated at". */
export const timeOfDay = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The same short label the inbox gives an anonymous visitor: the last four hex digits of its id. */
export function visitorName(visitorId: string, name: string | null): string {
  return name ?? t.visitorTag(visitorId.replace(/-/g, '').slice(-4).toUpperCase());
}

/** A thrown error as one line for an inline message. */
export function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 0) return t.networkError;
  return err instanceof Error ? err.message : String(err);
}

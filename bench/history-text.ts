/**
 * @module The words of the history database (bench/history-db.ts): pt-BR chat lines with accents, names,
 * e-mail domains, labels and ticket subjects, and a seeded random source so the same build makes the same
 * text. Part of the builder's cache key: editing this file rebuilds the cached databases.
 */

/** mulberry32: a small seeded generator; the same seed gives the same database content. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

export const FIRST_NAMES = [
  'Ana', 'João', 'Maria', 'José', 'Luíza', 'Pedro', 'Júlia', 'Lucas', 'Beatriz', 'Gabriel', 'Letícia', 'Mateus',
  'Camila', 'Rafael', 'Fernanda', 'Thiago', 'Patrícia', 'André', 'Vitória', 'Caio', 'Mônica', 'Sérgio', 'Débora',
  'Fábio', 'Cecília', 'Antônio', 'Helena', 'Otávio', 'Lúcia', 'Márcio',
] as const;
export const LAST_NAMES = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Conceição', 'Araújo', 'Gonçalves', 'Ribeiro', 'Simões', 'Magalhães',
  'Assunção', 'Brandão', 'Falcão', 'Sá', 'Leão', 'Guimarães', 'Gusmão', 'Peçanha', 'Romão', 'Estêvão',
] as const;
export const DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com.br', 'uol.com.br', 'bol.com.br', 'empresa.com.br'] as const;

/** ASCII for the local part of an address: "Luíza Conceição" -> "luiza.conceicao". */
export const asciiFold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

export const PRODUCTS = [
  'jaqueta jeans', 'tênis de corrida', 'fone sem fio', 'cafeteira elétrica', 'notebook', 'máquina de lavar', 'colchão',
  'geladeira frost free', 'ar-condicionado', 'cadeira de escritório', 'relógio inteligente', 'panela de pressão',
] as const;

const VISITOR_OPENERS = [
  'Olá, boa tarde! Fiz um pedido na semana passada e ainda não recebi. O número é {order}.',
  'Bom dia, queria saber se o {product} está disponível na cor preta.',
  'Oi! Minha encomenda {order} chegou com avaria, a caixa veio amassada. Como faço a troca?',
  'Boa noite, não consigo finalizar a compra, o cartão é recusado na última etapa.',
  'Olá, gostaria de cancelar o pedido {order}, comprei por engano.',
  'Preciso da segunda via do boleto do pedido {order}, o prazo vence amanhã.',
  'Vocês entregam em São João del-Rei? O frete está aparecendo indisponível.',
  'Comprei o {product} e veio faltando uma peça. Qual é o procedimento?',
  'Oi, a nota fiscal do pedido {order} não chegou no meu e-mail.',
  'Boa tarde! Quero saber sobre a garantia estendida do {product}.',
  'Olá, fiz o pagamento por Pix e o pedido continua como aguardando pagamento.',
  'Queria uma informação: qual é o prazo de devolução para produtos com defeito?',
] as const;

const VISITOR_LINES = [
  'Certo, obrigado pela atenção.',
  'Já tentei isso e não funcionou, infelizmente.',
  'O endereço de entrega é Rua das Acácias, 120, apartamento 32.',
  'Meu CPF está no cadastro, posso confirmar por aqui?',
  'Entendi. E quanto tempo leva o estorno no cartão?',
  'Vocês podem me mandar a confirmação por e-mail?',
  'Ah, agora apareceu! Muito obrigada.',
  'Perfeito, vou aguardar então.',
  'Não recebi nenhuma notificação da transportadora.',
  'Isso é um absurdo, já é a terceira vez que entro em contato.',
  'Pode ser na próxima terça-feira, de manhã.',
  'Sim, a embalagem original está guardada.',
  'Qual é o código de rastreio?',
  'Ótimo, resolveu. Até mais!',
] as const;

const AGENT_LINES = [
  'Olá! Tudo bem? Vou verificar o seu pedido, só um instante.',
  'Obrigado por aguardar. Encontrei o pedido {order}: ele saiu para entrega hoje.',
  'Sinto muito pelo transtorno. Já abri a solicitação de troca e você receberá as instruções por e-mail.',
  'O estorno é feito em até duas faturas, conforme a administradora do cartão.',
  'Consegue me confirmar o CEP de entrega, por favor?',
  'A garantia estendida cobre defeitos de fabricação por mais 12 meses após a garantia do fabricante.',
  'Reenviei a nota fiscal para o e-mail cadastrado. Verifique também a caixa de spam.',
  'O código de rastreio é BR{order}XP; a atualização pode levar até 24 horas.',
  'A devolução por arrependimento pode ser pedida em até 7 dias corridos após o recebimento.',
  'Gerei a segunda via do boleto com nova data de vencimento.',
  'Posso ajudar em mais alguma coisa?',
  'Agradecemos o contato e tenha um ótimo dia!',
  'Verifiquei com o setor financeiro e o pagamento já foi identificado.',
  'Infelizmente não atendemos essa região no momento, mas a retirada na loja é uma opção.',
] as const;

const NOTES = [
  'Cliente recorrente; já teve problema com a transportadora antes.',
  'Encaminhar para o financeiro se o Pix não compensar até amanhã.',
  'Verificar estoque com o centro de distribuição de Guarulhos.',
  'Atenção: pediu retorno por telefone.',
] as const;

export const LABELS = ['entrega', 'troca', 'reembolso', 'pagamento', 'garantia', 'nota-fiscal', 'reclamação', 'dúvida'] as const;

const TICKET_SUBJECTS = [
  'Pedido {order} não entregue',
  'Troca do {product} com defeito',
  'Estorno não recebido do pedido {order}',
  'Segunda via de boleto',
  'Nota fiscal não recebida',
  'Dúvida sobre garantia do {product}',
  'Cancelamento do pedido {order}',
  'Reclamação sobre atendimento da transportadora',
] as const;

const fill = (rand: () => number, template: string) =>
  template.replace('{order}', String(100000 + Math.floor(rand() * 900000))).replace('{product}', pick(rand, PRODUCTS));

export const visitorOpener = (rand: () => number) => fill(rand, pick(rand, VISITOR_OPENERS));
export const visitorLine = (rand: () => number) => fill(rand, pick(rand, VISITOR_LINES));
export const agentLine = (rand: () => number) => fill(rand, pick(rand, AGENT_LINES));
export const noteLine = (rand: () => number) => pick(rand, NOTES);
export const ticketSubject = (rand: () => number) => fill(rand, pick(rand, TICKET_SUBJECTS));
export const ticketDescription = (rand: () => number) => `${visitorOpener(rand)} ${visitorLine(rand)} ${visitorLine(rand)}`;

/** What the ticket search looks for among closed tickets: a requester's last name (about 1 in 20 tickets). */
export const TICKET_SEARCH_TEXT = 'Magalhães';

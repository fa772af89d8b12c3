import { describe, expect, it } from 'vitest';
import { fillPlaceholders, type PlaceholderValues } from './placeholders';

const BIA: PlaceholderValues = { visitor: { name: 'Bia Souza', email: 'bia@example.com' }, agent: { name: 'Ana Lima' } };
const ANON: PlaceholderValues = { visitor: { name: null, email: null }, agent: { name: 'Ana' } };

describe('fillPlaceholders', () => {
  it.each([
    ['Olá {{visitor.name}}!', BIA, 'Olá Bia Souza!'],
    ['Sou {{agent.name}}, como posso ajudar?', BIA, 'Sou Ana Lima, como posso ajudar?'],
    ['Oi, aqui é {{agent.firstName}}.', BIA, 'Oi, aqui é Ana.'],
    ['Enviamos para {{visitor.email}}.', BIA, 'Enviamos para bia@example.com.'],
    ['{{ visitor.name }} e {{agent.name}}', BIA, 'Bia Souza e Ana Lima'],
    ['{{visitor.name}}, {{visitor.name}}', BIA, 'Bia Souza, Bia Souza'],
    // An anonymous visitor: the placeholder goes with one space beside it.
    ['Olá {{visitor.name}}, tudo bem?', ANON, 'Olá, tudo bem?'],
    ['Olá {{visitor.name}}!', ANON, 'Olá!'],
    ['{{visitor.name}} obrigado', ANON, 'obrigado'],
    // Unknown placeholders stay for the agent to fill by hand.
    ['Pedido {{order.id}} de {{visitor.name}}', BIA, 'Pedido {{order.id}} de Bia Souza'],
    ['{{visitor.phone}}', ANON, '{{visitor.phone}}'],
    // Not placeholders at all.
    ['{visitor.name} {{}} {{ 1x }}', BIA, '{visitor.name} {{}} {{ 1x }}'],
    ['Sem marcadores.', BIA, 'Sem marcadores.'],
    ['', BIA, ''],
  ])('%j -> %j', (text, values, expected) => {
    expect(fillPlaceholders(text, values)).toBe(expected);
  });

  it('a value that itself looks like a placeholder is not filled again', () => {
    expect(fillPlaceholders('Olá {{visitor.name}}', { ...BIA, visitor: { name: '{{agent.name}}', email: null } })).toBe('Olá {{agent.name}}');
  });
});

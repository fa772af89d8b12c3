/**
 * @module Issue 15: what an anonymous visitor is called, as Intercom and Crisp do: a friendly name, an animal
 * and a colour picked from its id, the same on every screen and every visit, in each language. Its own small
 * table (pt-BR the key source, test/string-tables.test.ts checks it) so the console and the admin chunk share
 * it without pulling each other's tables.
 */
import type { Locale } from './i18n';

const ptBR = {
  animals: ['Tucano', 'Arara', 'Capivara', 'Onça', 'Tatu', 'Quati', 'Sabiá', 'Jabuti', 'Lontra', 'Coruja', 'Raposa', 'Baleia', 'Golfinho', 'Pinguim', 'Panda', 'Coala', 'Lhama', 'Tamanduá', 'Beija-flor', 'Mico'],
  /** Colours that do not change with the animal's gender. */
  colours: ['Azul', 'Verde', 'Cinza', 'Rosa', 'Laranja', 'Lilás', 'Turquesa', 'Marrom', 'Vinho', 'Violeta'],
  name: (animal: string, colour: string) => `${animal} ${colour}`,
};

const en: typeof ptBR = {
  animals: ['Toucan', 'Macaw', 'Capybara', 'Jaguar', 'Armadillo', 'Coati', 'Thrush', 'Tortoise', 'Otter', 'Owl', 'Fox', 'Whale', 'Dolphin', 'Penguin', 'Panda', 'Koala', 'Llama', 'Anteater', 'Hummingbird', 'Marmoset'],
  colours: ['Blue', 'Green', 'Grey', 'Pink', 'Orange', 'Lilac', 'Turquoise', 'Brown', 'Maroon', 'Violet'],
  name: (animal, colour) => `${colour} ${animal}`,
};

export type AnonymousWords = typeof ptBR;
export const ANONYMOUS_WORDS: Record<Locale, AnonymousWords> = { 'pt-BR': ptBR, en };

/** FNV-1a of an id: the same id always picks the same name and avatar colour. */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** @example anonymousName('0190a1b2-…', ANONYMOUS_WORDS.en) // 'Blue Toucan' */
export function anonymousName(visitorId: string, words: AnonymousWords): string {
  const h = idHash(visitorId);
  const { animals, colours, name } = words;
  return name(animals[h % animals.length]!, colours[Math.floor(h / animals.length) % colours.length]!);
}

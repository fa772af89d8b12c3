/**
 * @module Canned replies as the picker shows them (issue 15), without UI: the type-ahead over what was
 * loaded, on the title and the category (canned replies have no shortcut field; the title is the shortcut:
 * "/entrega" finds "Entrega atrasada"), then the text; and the composer's trigger, a "/" typed into an
 * empty reply. Accents and case make no difference. Pure.
 */
import type { CannedReply } from '../session/api';

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();

const startsWord = (hay: string, needle: string) => hay.startsWith(needle) || hay.includes(` ${needle}`);

/**
 * The replies matching `q`, best first: title starts with it, a title word does, the category starts with
 * it, the title holds it, the category does, the text does; ties by title. An empty `q` keeps them all.
 */
export function rankCanned(replies: readonly CannedReply[], q: string): CannedReply[] {
  const needle = fold(q.trim().replace(/^\//, ''));
  const sorted = [...replies].sort((a, b) => a.title.localeCompare(b.title));
  if (needle === '') return sorted;
  const score = (r: CannedReply): number => {
    const title = fold(r.title);
    const category = fold(r.category);
    if (title.startsWith(needle)) return 0;
    if (startsWord(title, needle)) return 1;
    if (category.startsWith(needle)) return 2;
    if (title.includes(needle)) return 3;
    if (category.includes(needle)) return 4;
    if (fold(r.text).includes(needle)) return 5;
    return -1;
  };
  return sorted
    .map((r) => ({ r, s: score(r) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s)
    .map((x) => x.r);
}

/** The composer's reply draft went from empty to "/": open the picker instead of writing the slash. */
export const opensPicker = (before: string, after: string): boolean => before === '' && after === '/';

/** The language the picker opens on: the visitor's when known, else all (never the console's own). */
export const openingLanguage = (visitorLanguage: string | null): string => visitorLanguage ?? '';

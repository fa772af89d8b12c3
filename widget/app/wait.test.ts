import { describe, expect, it } from 'vitest';
import en from './locales/en';
import es from './locales/es';
import ptBR from './locales/pt-BR';
import { usualWait } from './wait';

describe('issue 15: the usual first-response time as a phrase', () => {
  it.each<[number, number, string, string]>([
    [0, 0, 'Normalmente respondemos na hora', 'We usually reply right away'],
    [45_000, 0, 'Normalmente respondemos na hora', 'We usually reply right away'],
    [90_000, 0, 'Normalmente respondemos na hora', 'We usually reply right away'],
    [90_001, 1, 'Normalmente respondemos em poucos minutos', 'We usually reply in a few minutes'],
    [4 * 60_000, 1, 'Normalmente respondemos em poucos minutos', 'We usually reply in a few minutes'],
    [10 * 60_000, 1, 'Normalmente respondemos em poucos minutos', 'We usually reply in a few minutes'],
    [12 * 60_000, 2, 'Normalmente respondemos em até meia hora', 'We usually reply within half an hour'],
    [45 * 60_000, 3, 'Normalmente respondemos em até uma hora', 'We usually reply within an hour'],
    [60 * 60_000, 3, 'Normalmente respondemos em até uma hora', 'We usually reply within an hour'],
    [3 * 3_600_000, 4, 'Normalmente respondemos em algumas horas', 'We usually reply in a few hours'],
  ])('%i ms: phrase %i, "%s" / "%s"', (ms, phrase, pt, english) => {
    expect(usualWait(ms)).toBe(phrase);
    expect(ptBR.usually(phrase)).toBe(pt);
    expect(en.usually(phrase)).toBe(english);
    expect(es.usually(phrase)).toMatch(/^Solemos responder /);
  });

  it('says the place in the queue in each language', () => {
    expect(ptBR.place(2)).toBe('Sua posição na fila: 2');
    expect(en.place(2)).toBe('Your place in the queue: 2');
    expect(es.place(2)).toBe('Tu lugar en la fila: 2');
  });
});

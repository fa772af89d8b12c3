/**
 * @module What the console offers depends on (issue 15): whether the server sends e-mail, and per site
 * whether it has a bot and its widget's language. Read once from GET /me and kept for the page's life
 * (a change shows after a reload; the server still refuses what no longer works, in words).
 */
import { useEffect, useState } from 'preact/hooks';
import type { MeAnswer } from '../../shared/api';
import { api } from './api';

export type ConsoleFacts = MeAnswer['facts'];

let reading: Promise<ConsoleFacts | null> | null = null;
let known: ConsoleFacts | null = null;

function read(): Promise<ConsoleFacts | null> {
  reading ??= api.profile().then(
    (me) => (known = me.facts ?? null),
    () => {
      reading = null; // read again next time
      return null;
    },
  );
  return reading;
}

/** The facts, or null until they are read (callers then show the cautious choice). */
export function useFacts(): ConsoleFacts | null {
  const [facts, setFacts] = useState<ConsoleFacts | null>(known);
  useEffect(() => {
    if (known) return;
    let live = true;
    void read().then((f) => live && setFacts(f));
    return () => {
      live = false;
    };
  }, []);
  return facts;
}

/** A site's facts; unknown sites have no bot and no known language. */
export function siteFacts(facts: ConsoleFacts | null, siteId: string): { bot: boolean; language: string | null } {
  return facts?.sites.find((s) => s.id === siteId) ?? { bot: false, language: null };
}

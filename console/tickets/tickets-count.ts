/**
 * @module How many tickets are open, for the Tickets section's count in the top bar. Tickets have no live
 * frame, so the count is read on start, every minute while the page is visible, whenever `key` changes
 * (the workspace passes the section) and when asked (after the agent changed a ticket).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../session/api';

const EVERY_MS = 60_000;
/** TicketsAnswer has no total: a full page reads as "this many or more". */
export const COUNT_PAGE = 200;

export function useOpenTicketCount(key: unknown): { count: number | null; refresh: () => void } {
  const [count, setCount] = useState<number | null>(null);
  const [reads, setReads] = useState(0);
  useEffect(() => {
    let current = true;
    api.tickets(query({ status: 'open', limit: COUNT_PAGE })).then(
      (list) => current && setCount(list.length),
      () => undefined, // the count is a hint: a failed read keeps the last one
    );
    return () => {
      current = false;
    };
  }, [key, reads]);
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setReads((n) => n + 1);
    }, EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  return { count, refresh: () => setReads((n) => n + 1) };
}

/** The count as the badge shows it: 200+ for a full page. */
export function countLabel(count: number): string {
  return count >= COUNT_PAGE ? `${COUNT_PAGE}+` : String(count);
}

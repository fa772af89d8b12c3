/** @module Issue 15: how soon the site usually answers, as a phrase a visitor reads ("in a few minutes"). */

/** The upper bounds of the phrases but the last: a minute and a half, 10 minutes, half an hour, an hour. */
const BOUNDS = [90e3, 6e5, 18e5, 36e5];

/**
 * Which of the `usually` phrases (locales) fits the usual first-response time `ms`: 0 right away, 1 a few
 * minutes, 2 within half an hour, 3 within an hour, 4 a few hours.
 *
 * @example usualWait(4 * 60_000) // 1: "Normalmente respondemos em poucos minutos"
 */
export const usualWait = (ms: number): number => BOUNDS.filter((b) => ms > b).length;

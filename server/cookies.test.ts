import { describe, expect, it } from 'vitest';
import { readCookie, SESSION_COOKIE } from './cookies';

describe('readCookie (the WebSocket upgrade reads the session as getCookie does)', () => {
  it('finds the cookie among others, decoded, the first when it comes twice', () => {
    expect(readCookie('a=1; papo_session=abc%20d; x=y', SESSION_COOKIE)).toBe('abc d');
    expect(readCookie(' papo_session = v ; papo_session=w', SESSION_COOKIE)).toBe('v');
  });
  it('is undefined with no header, or no such cookie (a longer name holding it is another cookie)', () => {
    expect(readCookie(undefined, SESSION_COOKIE)).toBeUndefined();
    expect(readCookie('', SESSION_COOKIE)).toBeUndefined();
    expect(readCookie('xpapo_session=1', SESSION_COOKIE)).toBeUndefined();
  });
});

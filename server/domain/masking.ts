/**
 * @module Finds and masks sensitive data in free text: chat messages, visitor names, titles (issue 6,
 * "Masking of sensitive data", after the Webex table in ../shared/seeds/webex-livechat.txt). Pure.
 *
 * A valid number is masked; one that only looks like it (Luhn fails, wrong check digits, SSN area 000) is
 * left alone unless it independently has the shape of a phone number. Everything outside a match is kept
 * byte for byte.
 *
 * Precedence, strongest evidence first. Each kind is looked for in the text left after the kinds before it
 * (their matches are blanked out), so a span belongs to one kind only:
 *   1. IBAN  (mod-97 and the country's length: about 1 in 97 random strings pass, and it has letters)
 *   2. CNPJ  (two check digits: 1 in 100)
 *   3. CPF   (two check digits: 1 in 100)
 *   4. card  (Luhn: 1 in 10)
 *   5. SSN   (no check digit, only forbidden areas, groups and serials)
 *   6. e-mail
 *   7. phone (shape only), last.
 *
 * Where numbers start and end: a number is never cut out of a longer token. It may not touch a letter,
 * digit, `_` or `@` (a CPF glued to `@gmail.com` is the e-mail's local part), nor continue into a digit
 * through `.`, `,`, `/` or `-` (`1.529.982.247-25`, `0001-81` inside a CNPJ, `2025/52998224725`). A single
 * space does not join numbers, so a card in "pedido 2024 4111 1111 1111 1111" is still found.
 *
 * Phones have no check digit, so their shape must be phone-like (see {@link findPhones}): a leading `+` or
 * an area code in parentheses with 8-15 digits, or else 10-15 digits in groups separated by spaces, hyphens
 * or dots, the last group of 4 digits or more (two groups only when a space joins them: `2024-001234` is a
 * protocol, `11 912345678` a phone). That shape is what keeps invalid look-alikes of the other kinds out:
 * `123.456.789-00` and `123456789-00` (CPF punctuation: last group 2), `000-12-3456` (SSN: 9 digits), a
 * CNPJ's `/0001-80` (never a number's start). Groups of 3-6 digits with one separator that make 13 digits or
 * more (a card's shape: `4111 1111 1111 1112`, also followed by `2024`) are never a phone, so a mistyped card
 * is left alone. Plain digits without `+` are not phones (`11912345678` may be an order number or an invalid
 * CPF), nor is a Brazilian number without its area code (`91234-5678`: 9 digits, the shape of a ZIP+4 too).
 * A look-alike that does have a phone's shape is masked as a phone (`123-45-67890`, `529.982.24725`).
 *
 * Masking masked text again never reveals anything: it only turns characters into `*` (and drops a phone's
 * spaces). It may hide a few more digits, where a masked phone's last four join a number after it.
 *
 * Linear time: every scanner reads forward from each position a bounded number of characters (at most 34
 * for an IBAN, 19 digits for a card, 15 digits for a phone), and e-mails are found from each `@` outwards,
 * never past the neighbouring `@`. No regular expression here can backtrack more than a few characters.
 */

export type Kind = 'iban' | 'cnpj' | 'cpf' | 'card' | 'ssn' | 'email' | 'phone';

/** One sensitive value: `text.slice(start, end)` is replaced by `masked`. */
export interface Match {
  kind: Kind;
  start: number;
  end: number;
  masked: string;
}

/**
 * A site's setting. `mask` hides values in agent views; `redact` masks before storing, so raw values never
 * reach the database or a log.
 */
export type MaskingMode = 'off' | 'mask' | 'redact';
export const MASKING_MODES = ['off', 'mask', 'redact'] as const satisfies readonly MaskingMode[];

// ---------------------------------------------------------------------------------------------------------
// Characters and boundaries

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAsciiLetter = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);
const isAsciiAlnum = (c: string | undefined): boolean => isDigit(c) || isAsciiLetter(c);
/** Characters that glue a number into a longer token (any script's letters and digits, `_`, `@`). */
const WORDISH = /^[\p{L}\p{N}_@]$/u;
const isWordish = (c: string | undefined): boolean => c !== undefined && WORDISH.test(c);
const JOINERS = '.,/-';

/** A number may start at `i`: it is not glued to a word and not the middle of a punctuated number. */
function startsClean(text: string, i: number): boolean {
  const prev = text[i - 1];
  if (prev === undefined) return true;
  if (isWordish(prev)) return false;
  return !(JOINERS.includes(prev) && isDigit(text[i - 2]));
}

/** A number may end at `end` (exclusive): same rule, looking right. */
function endsClean(text: string, end: number): boolean {
  const next = text[end];
  if (next === undefined) return true;
  if (isWordish(next)) return false;
  return !(JOINERS.includes(next) && isDigit(text[end + 1]));
}

/**
 * Replaces every character that `counts` by `*` except the last `keep` of them; other characters stay.
 *
 * @example maskAllButLast('4111 1111 1111 1111', 4, isDigit) // '**** **** **** 1111'
 */
export function maskAllButLast(value: string, keep: number, counts: (c: string) => boolean): string {
  const chars = Array.from(value);
  let kept = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i]!;
    if (!counts(c)) continue;
    if (kept < keep) kept++;
    else chars[i] = '*';
  }
  return chars.join('');
}

// ---------------------------------------------------------------------------------------------------------
// Validators

/** @example luhnValid('4111111111111111') // true */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Lengths of IBANs by country (SWIFT IBAN registry). An IBAN from a country not listed here must have
 * 15 to 34 characters.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27,
  GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27,
  JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22,
  MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, FK: 18, HN: 28, MN: 20, NI: 28,
};

/**
 * ISO 13616: two letters, check digits 02-98, alphanumerics, the country's length, and mod-97 of the
 * rearranged number equal to 1. Spaces are ignored; letters in either case.
 *
 * @example ibanValid('DE89 3704 0044 0532 0130 00') // true
 */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(s)) return false;
  const check = Number(s.slice(2, 4));
  if (check < 2 || check > 98) return false;
  const expected = IBAN_LENGTHS[s.slice(0, 2)];
  if (expected !== undefined ? s.length !== expected : s.length < 15 || s.length > 34) return false;
  let rem = 0;
  for (const c of s.slice(4) + s.slice(0, 4)) {
    const v = isDigit(c) ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55;
    rem = (v > 9 ? rem * 100 + v : rem * 10 + v) % 97;
  }
  return rem === 1;
}

/** @example cpfValid('529.982.247-25') // true */
export function cpfValid(cpf: string): boolean {
  const d = cpf.replace(/[.-]/g, '');
  if (!/^\d{11}$/.test(d) || /^(\d)\1{10}$/.test(d)) return false;
  const dv = (n: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (d.charCodeAt(i) - 48) * (n + 1 - i);
    const r = sum % 11;
    return r < 2 ? 0 : 11 - r;
  };
  return dv(9) === d.charCodeAt(9) - 48 && dv(10) === d.charCodeAt(10) - 48;
}

const CNPJ_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/**
 * The two check digits of a CNPJ's first 12 characters (digits or, since July 2026, letters A-Z), each
 * character worth its ASCII code minus 48.
 *
 * @example cnpjCheckDigits('112223330001') // '81'
 */
export function cnpjCheckDigits(base: string): string {
  if (!/^[0-9A-Z]{12}$/.test(base)) throw new RangeError('a CNPJ base is 12 characters 0-9 or A-Z');
  const dv = (chars: string): number => {
    let sum = 0;
    // The first digit uses weights 5..2,9..2, the second 6..2,9..2: the tail of the same list.
    const offset = CNPJ_WEIGHTS.length - chars.length;
    for (let i = 0; i < chars.length; i++) sum += (chars.charCodeAt(i) - 48) * CNPJ_WEIGHTS[offset + i]!;
    const r = sum % 11;
    return r < 2 ? 0 : 11 - r;
  };
  const first = dv(base);
  return `${first}${dv(base + first)}`;
}

/**
 * Punctuation optional; letters must be upper-case, as the Receita Federal prints them.
 *
 * @example cnpjValid('11.222.333/0001-81') // true
 */
export function cnpjValid(cnpj: string): boolean {
  const s = cnpj.replace(/[./-]/g, '');
  if (!/^[0-9A-Z]{12}\d{2}$/.test(s) || /^(.)\1{13}$/.test(s)) return false;
  return cnpjCheckDigits(s.slice(0, 12)) === s.slice(12);
}

/** Area not 000, 666 or 900-999; group not 00; serial not 0000. @example ssnValid('123-45-6789') // true */
export function ssnValid(ssn: string): boolean {
  const d = ssn.replace(/-/g, '');
  if (!/^\d{9}$/.test(d)) return false;
  const area = Number(d.slice(0, 3));
  return area !== 0 && area !== 666 && area < 900 && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}

// ---------------------------------------------------------------------------------------------------------
// Detectors: each scans left to right and answers non-overlapping matches of its kind.

/** Tries sticky patterns at every clean start; the first that matches, ends cleanly and validates wins. */
function scanFixed(
  text: string,
  kind: Kind,
  patterns: RegExp[],
  valid: (s: string) => boolean,
  mask: (s: string) => string,
): Match[] {
  const out: Match[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!isAsciiAlnum(text[i]) || !startsClean(text, i)) continue;
    for (const re of patterns) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (!m || !endsClean(text, i + m[0].length) || !valid(m[0])) continue;
      out.push({ kind, start: i, end: i + m[0].length, masked: mask(m[0]) });
      i += m[0].length - 1;
      break;
    }
  }
  return out;
}

/** CPF: `000.000.000-00`, `000000000-00` or 11 plain digits. Keeps the last 2 digits. */
export function findCpfs(text: string): Match[] {
  return scanFixed(text, 'cpf', [/\d{3}\.\d{3}\.\d{3}-\d{2}/y, /\d{9}-\d{2}/y, /\d{11}/y], cpfValid, (s) =>
    maskAllButLast(s, 2, isDigit),
  );
}

/**
 * CNPJ: `XX.XXX.XXX/XXXX-DD` (letters in either case) or 14 plain characters (upper-case only, so ordinary
 * words never qualify). Keeps the last 2.
 */
export function findCnpjs(text: string): Match[] {
  return scanFixed(
    text,
    'cnpj',
    [/[0-9A-Za-z]{2}\.[0-9A-Za-z]{3}\.[0-9A-Za-z]{3}\/[0-9A-Za-z]{4}-\d{2}/y, /[0-9A-Z]{12}\d{2}/y],
    (s) => cnpjValid(s.toUpperCase()),
    (s) => maskAllButLast(s, 2, isAsciiAlnum),
  );
}

/** US SSN: `ddd-dd-dddd` or 9 plain digits that are not part of a longer number. Keeps the last 4. */
export function findSsns(text: string): Match[] {
  return scanFixed(text, 'ssn', [/\d{3}-\d{2}-\d{4}/y, /\d{9}/y], ssnValid, (s) => maskAllButLast(s, 4, isDigit));
}

/** Reads up to `max` units of maximal runs of `isUnit` joined by one `sep` each; answers [start, end) of each run. */
function readGroups(
  text: string,
  i: number,
  isUnit: (c: string | undefined) => boolean,
  sep: string,
  max: number,
): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  let units = 0;
  while (units <= max) {
    const start = i;
    while (isUnit(text[i]) && i - start <= max) i++;
    if (i === start) break;
    groups.push([start, i]);
    units += i - start;
    if (text[i] !== sep || !isUnit(text[i + 1])) break;
    i++;
  }
  return groups;
}

/**
 * Card numbers: 13-19 digits, plain or in groups of 3-6 separated by single spaces or single hyphens (one
 * kind per number), valid by Luhn. The longest valid run of whole groups from a start wins, so trailing
 * numbers after a space do not hide a card. Keeps the last 4 digits and the separators.
 *
 * @example findCards('cartão 4111 1111 1111 1111')[0]?.masked // '**** **** **** 1111'
 */
export function findCards(text: string): Match[] {
  const out: Match[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!isDigit(text[i]) || !startsClean(text, i)) continue;
    let j = i;
    while (isDigit(text[j]) && j - i < 20) j++;
    const first = j - i;
    const sep = text[j] === ' ' || text[j] === '-' ? text[j]! : '';
    const grouped = first >= 3 && first <= 6 && sep !== '';
    const groups = grouped ? readGroups(text, i, isDigit, sep, 19) : [[i, j] as [number, number]];
    let found: Match | null = null;
    for (let k = groups.length, digits = 0; k >= 1 && !found; k--) {
      if (k === groups.length) digits = groups.reduce((n, [s, e]) => n + e - s, 0);
      else digits -= groups[k]![1] - groups[k]![0];
      const [, end] = groups[k - 1]!;
      const value = text.slice(i, end);
      const sized = groups.length === 1 || groups.slice(0, k).every(([s, e]) => e - s >= 3 && e - s <= 6);
      if (digits < 13 || digits > 19 || !sized || !endsClean(text, end)) continue;
      if (!luhnValid(value.replace(/[ -]/g, ''))) continue;
      found = { kind: 'card', start: i, end, masked: maskAllButLast(value, 4, isDigit) };
    }
    if (found) {
      out.push(found);
      i = found.end - 1;
    }
  }
  return out;
}

/**
 * Valid IBANs, and IBAN-shaped spans of a known country (15-34 characters) that fail the checks: those are
 * left alone whole.
 */
function scanIbans(text: string): { matches: Match[]; lookalikes: Array<[number, number]> } {
  const matches: Match[] = [];
  const lookalikes: Array<[number, number]> = [];
  for (let i = 0; i < text.length; i++) {
    const head = isAsciiLetter(text[i]) && isAsciiLetter(text[i + 1]) && isDigit(text[i + 2]) && isDigit(text[i + 3]);
    if (!head || !startsClean(text, i)) continue;
    let groups = readGroups(text, i, isAsciiAlnum, ' ', 34);
    if (groups[0]![1] - i > 4) groups = groups.slice(0, 1); // plain: one run, nothing after it
    else {
      // Grouped: groups of 4, then at most one shorter group that ends the IBAN; a longer run is not part of it.
      const odd = groups.findIndex(([s, end]) => end - s !== 4);
      if (odd >= 0) groups = groups.slice(0, groups[odd]![1] - groups[odd]![0] < 4 ? odd + 1 : odd);
    }
    let end = -1;
    for (let k = groups.length; k >= 1 && end < 0; k--) {
      const value = text.slice(i, groups[k - 1]![1]);
      if (!endsClean(text, groups[k - 1]![1]) || !ibanValid(value)) continue;
      end = groups[k - 1]![1];
      matches.push({ kind: 'iban', start: i, end, masked: maskAllButLast(value, 4, isAsciiAlnum) });
    }
    if (end < 0) {
      const whole = groups[groups.length - 1]![1];
      const chars = groups.reduce((n, [s, e]) => n + e - s, 0);
      const country = IBAN_LENGTHS[text.slice(i, i + 2).toUpperCase()] !== undefined;
      if (!country || chars < 15 || chars > 34 || !endsClean(text, whole)) continue;
      end = whole;
      lookalikes.push([i, end]);
    }
    i = end - 1;
  }
  return { matches, lookalikes };
}

/**
 * IBAN: plain (`DE89370400440532013000`) or in groups of 4 separated by single spaces, the last group 1-4
 * characters. Valid by {@link ibanValid}. Keeps the last 4 alphanumerics and the spaces.
 *
 * @example findIbans('IBAN DE89 3704 0044 0532 0130 00')[0]?.masked // '**** **** **** **** **30 00'
 */
export function findIbans(text: string): Match[] {
  return scanIbans(text).matches;
}

/**
 * E-mail addresses, found from each `@`: a local part of letters, digits and `._%+-`, and a domain of
 * labels joined by dots whose last label has at least two letters. Keeps the first character of the local
 * part and the whole domain: `melissa@gmail.com` -> `m******@gmail.com`.
 */
export function findEmails(text: string): Match[] {
  const out: Match[] = [];
  const isLocal = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{N}._%+-]$/u.test(c);
  const isLabel = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{N}-]$/u.test(c);
  let floor = 0; // the local part never reaches back over an earlier match or `@`
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > floor && isLocal(text[start - 1])) start--;
    while (text[start] === '.') start++;
    floor = at + 1;
    if (start === at || text[at - 1] === '.') continue;
    const labelEnds: number[] = [];
    let j = at + 1;
    for (;;) {
      const s = j;
      while (isLabel(text[j])) j++;
      if (j === s || text[s] === '-' || text[j - 1] === '-') break;
      labelEnds.push(j);
      if (text[j] !== '.' || !isLabel(text[j + 1])) break;
      j++;
    }
    // The address ends after the last label that is a top-level domain (two letters or more).
    let k = labelEnds.length - 1;
    const tld = (end: number): boolean => /^\p{L}{2,}$/u.test(text.slice(text.lastIndexOf('.', end - 1) + 1, end));
    while (k >= 1 && !tld(labelEnds[k]!)) k--;
    if (k < 1) continue;
    const end = labelEnds[k]!;
    const local = Array.from(text.slice(start, at));
    out.push({ kind: 'email', start, end, masked: local[0] + '*'.repeat(local.length - 1) + text.slice(at, end) });
    floor = end;
  }
  return out;
}

interface PhoneGroup {
  start: number;
  end: number;
  digits: number;
  paren: boolean;
  /** The separator before this group: ' ', '-', '.', or '' (first group, or right after `)`). */
  sep: string;
}

/** A phone-like run from `i`: optional `+` and one space, then digit groups and at most one `(1-4 digits)`. */
function readPhoneRun(text: string, i: number): { plus: boolean; groups: PhoneGroup[]; end: number } {
  const groups: PhoneGroup[] = [];
  let pos = i;
  const plus = text[pos] === '+';
  if (plus) pos += text[pos + 1] === ' ' ? 2 : 1;
  let sep = '';
  let paren = false;
  for (;;) {
    const start = pos;
    let isParen = false;
    if (text[pos] === '(' && !paren) {
      pos++;
      while (isDigit(text[pos]) && pos - start <= 4) pos++;
      if (pos - start < 2 || text[pos] !== ')') break;
      pos++;
      isParen = paren = true;
    } else {
      while (isDigit(text[pos])) pos++;
      if (pos === start) break;
    }
    const next = text[pos];
    // A group glued to a word, a decimal comma or a date's slash is not part of a phone.
    const glued = isWordish(next) && !(isParen && isDigit(next));
    if (glued || ((next === ',' || next === '/') && isDigit(text[pos + 1]))) break;
    groups.push({ start, end: pos, digits: pos - start - (isParen ? 2 : 0), paren: isParen, sep });
    const follows = (at: number): boolean => isDigit(text[at]) || (text[at] === '(' && !paren);
    if ((next === ' ' || next === '-' || next === '.') && follows(pos + 1)) {
      sep = next;
      pos++;
    } else if ((isParen && isDigit(next)) || (next === '(' && !paren)) sep = '';
    else break;
  }
  return { plus, groups, end: groups.length ? groups[groups.length - 1]!.end : i };
}

/** Groups a..b form a phone: see the module header. */
function phoneShaped(groups: PhoneGroup[], a: number, b: number, plus: boolean): boolean {
  let digits = 0;
  let paren = false;
  for (let g = a; g <= b; g++) {
    digits += groups[g]!.digits;
    paren ||= groups[g]!.paren;
  }
  const last = groups[b]!;
  if (last.paren || last.digits < 3 || digits > 15) return false;
  if (plus || paren) return digits >= 8;
  // Two groups joined by a hyphen or dot are how protocols, orders and ZIP+4 codes are written (2024-001234).
  const pair = b === a + 1 && last.sep !== ' ';
  return digits >= 10 && b > a && !pair && last.digits >= 4 && !inCardBlock(groups, a, b);
}

/**
 * Groups a..b (no `+`, no parentheses) sit in a card-like block: groups of 3-6 digits joined by one and the
 * same separator, 13 digits or more with their neighbours joined the same way. A mistyped card, or a card
 * followed by a year, is then never taken for a phone.
 */
function inCardBlock(groups: PhoneGroup[], a: number, b: number): boolean {
  const sep = groups[a + 1]?.sep;
  if (b === a || (sep !== ' ' && sep !== '-')) return false;
  const fits = (g: number): boolean => groups[g]!.digits >= 3 && groups[g]!.digits <= 6 && !groups[g]!.paren;
  let digits = 0;
  for (let g = a; g <= b; g++) {
    if (!fits(g) || (g > a && groups[g]!.sep !== sep)) return false;
    digits += groups[g]!.digits;
  }
  // Grow outwards only until 13 digits: bounded work per candidate.
  for (let g = a; g > 0 && digits < 13 && groups[g]!.sep === sep && fits(g - 1); g--) {
    digits += groups[g - 1]!.digits;
  }
  for (let g = b + 1; g < groups.length && digits < 13 && groups[g]!.sep === sep && fits(g); g++) {
    digits += groups[g]!.digits;
  }
  return digits >= 13;
}

/**
 * Phone numbers (no check digit, so shape only): an optional `+` (and one space), a country code, an area
 * code in parentheses, groups separated by single spaces, hyphens or dots. With a `+` or parentheses, 8 to
 * 15 digits; otherwise 10 to 15 digits in two groups or more (two only when a space joins them), the last
 * of 4 digits or more, not in a card's shape. The last group always has 3 digits or more. A run may be cut
 * at a space (the longest phone from each start wins), so "11 91234-5678 2 vezes" still finds the phone.
 * Spaces are removed, then every character before the last 4 digits becomes `*`.
 *
 * @example findPhones('+ 1 (123) 456 7890')[0]?.masked // '**********7890'
 */
export function findPhones(text: string): Match[] {
  const out: Match[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const opens =
      c === '+'
        ? isDigit(text[i + 1]) || text[i + 1] === '(' || (text[i + 1] === ' ' && isDigit(text[i + 2]))
        : isDigit(c) || c === '(';
    if (!opens || isWordish(text[i - 1]) || text[i - 1] === '+' || (c !== '+' && !startsClean(text, i))) continue;
    const { plus, groups, end } = readPhoneRun(text, i);
    if (groups.length === 0) continue;
    for (let a = 0; a < groups.length; a++) {
      if (a > 0 && groups[a]!.sep !== ' ') continue; // a phone inside a run starts after a space
      let best = -1;
      for (let b = a, digits = 0; b < groups.length && (digits += groups[b]!.digits) <= 15; b++) {
        const cut = b === groups.length - 1 || groups[b + 1]!.sep === ' ';
        if (cut && phoneShaped(groups, a, b, plus && a === 0)) best = b;
      }
      if (best < 0) continue;
      const start = a === 0 ? i : groups[a]!.start;
      const value = text.slice(start, groups[best]!.end).replace(/ /g, '');
      let keepFrom = value.length; // the fourth digit from the end
      for (let n = 0; n < 4; keepFrom--) if (isDigit(value[keepFrom - 1])) n++;
      out.push({ kind: 'phone', start, end: groups[best]!.end, masked: '*'.repeat(keepFrom) + value.slice(keepFrom) });
      a = best;
    }
    i = end - 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Putting it together

/** The detectors in precedence order (module header). */
const DETECTORS: ReadonlyArray<readonly [Kind, (text: string) => Match[]]> = [
  ['iban', findIbans],
  ['cnpj', findCnpjs],
  ['cpf', findCpfs],
  ['card', findCards],
  ['ssn', findSsns],
  ['email', findEmails],
  ['phone', findPhones],
];

/** Every sensitive value in `text`, in text order, no two overlapping. */
export function findSensitive(text: string): Match[] {
  const all: Match[] = [];
  // An IBAN look-alike is left alone whole: its groups are not cards or phones.
  let rest = blank(text, scanIbans(text).lookalikes);
  for (const [, detect] of DETECTORS) {
    const found = detect(rest);
    all.push(...found);
    rest = blank(rest, found.map((m) => [m.start, m.end]));
  }
  return all.sort((x, y) => x.start - y.start);
}

/** Blanks spans with NULs, same length, so positions still line up and no later kind sees them. */
function blank(text: string, spans: Array<[number, number]>): string {
  if (spans.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of spans) {
    out += text.slice(from, start) + '\u0000'.repeat(end - start);
    from = end;
  }
  return out + text.slice(from);
}

/**
 * Masks every sensitive value; `found` lists the kinds met, each once, in the order they first appear.
 *
 * @example maskSensitive('Meu CPF é 529.982.247-25') // { text: 'Meu CPF é ***.***.***-25', found: ['cpf'] }
 */
export function maskSensitive(text: string): { text: string; found: Kind[] } {
  const matches = findSensitive(text);
  let out = '';
  let from = 0;
  for (const m of matches) {
    out += text.slice(from, m.start) + m.masked;
    from = m.end;
  }
  return { text: out + text.slice(from), found: [...new Set(matches.map((m) => m.kind))] };
}

/**
 * The text as a site's masking mode shows it. `mask` and `redact` answer the same masked text: the caller
 * decides where it applies (agent views, or before storing).
 *
 * @example applyMasking('off', 'melissa@gmail.com') // 'melissa@gmail.com'
 */
export function applyMasking(mode: MaskingMode, text: string): string {
  return mode === 'off' ? text : maskSensitive(text).text;
}

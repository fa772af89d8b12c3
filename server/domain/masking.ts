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
 * Linear time with a small constant (issue 11 F2: "DE89 " x 1,000 cost 7 ms, 64 KiB up to 1.4 s, which let
 * a few sockets occupy the server). Every scanner reads forward from each position a bounded number of
 * characters (at most 35 for an IBAN, 20 digits for a card, 15 digits for a phone), and e-mails are found
 * from each `@` outwards, never past the neighbouring `@`. Inside that bound each character is read a fixed
 * number of times: the candidate prefixes of one start (an IBAN's groups, a card's groups, a phone's groups)
 * are checked with running sums (mod-97, Luhn, digit counts) instead of re-reading the span for each, fixed
 * shapes (CPF, CNPJ, SSN) are matched character by character before any check, and characters are read as
 * UTF-16 codes, with the Unicode letter/number test cached per code. No function is made per position: the
 * server runs under tsx, whose keepNames wraps every closure it creates in a defineProperty call, and that
 * cost more than the scan itself. `npm run bench` (part `masking`) reports the cost per character of
 * ordinary and adversarial text at 1 KiB and 64 KiB: the worst input now costs about 2.5x ordinary prose,
 * against 14x before.
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
const isAsciiAlnum = (c: string | undefined): boolean => c !== undefined && c.length === 1 && isAsciiAlnumCode(c.charCodeAt(0));

// The scanners read UTF-16 codes (`charCodeAt`: NaN past either end, which no test below accepts).
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
const isUpperCode = (c: number): boolean => c >= 65 && c <= 90;
const isAsciiLetterCode = (c: number): boolean => isUpperCode(c) || (c >= 97 && c <= 122);
const isAsciiAlnumCode = (c: number): boolean => isDigitCode(c) || isAsciiLetterCode(c);

/** `\p{L}` or `\p{N}` for one UTF-16 code, tested once per code (0 not yet known, 1 no, 2 yes). */
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
const letterOrNumberCache = new Uint8Array(0x10000);
function isLetterOrNumberCode(c: number): boolean {
  if (!(c >= 128)) return isAsciiAlnumCode(c);
  let known = letterOrNumberCache[c]!;
  if (known === 0) letterOrNumberCache[c] = known = LETTER_OR_NUMBER.test(String.fromCharCode(c)) ? 2 : 1;
  return known === 2;
}

const AT = 64;
const UNDERSCORE = 95;
const SPACE = 32;
/** Characters that glue a number into a longer token (any script's letters and digits, `_`, `@`). */
const isWordishCode = (c: number): boolean => isLetterOrNumberCode(c) || c === UNDERSCORE || c === AT;
/** `.`, `,`, `/`, `-`: a number continues through one of them into a digit. */
const isJoinerCode = (c: number): boolean => c === 46 || c === 44 || c === 47 || c === 45;

/** A number may start at `i`: it is not glued to a word and not the middle of a punctuated number. */
function startsClean(text: string, i: number): boolean {
  const prev = text.charCodeAt(i - 1);
  if (isWordishCode(prev)) return false;
  return !(isJoinerCode(prev) && isDigitCode(text.charCodeAt(i - 2)));
}

/** A number may end at `end` (exclusive): same rule, looking right. */
function endsClean(text: string, end: number): boolean {
  const next = text.charCodeAt(end);
  if (isWordishCode(next)) return false;
  return !(isJoinerCode(next) && isDigitCode(text.charCodeAt(end + 1)));
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

/** @example cpfValid('529.982.247-25') // true */
export function cpfValid(cpf: string): boolean {
  const d = cpf.replace(/[.-]/g, '');
  if (!/^\d{11}$/.test(d) || /^(\d)\1{10}$/.test(d)) return false;
  return cpfDigit(d, 9) === d.charCodeAt(9) - 48 && cpfDigit(d, 10) === d.charCodeAt(10) - 48;
}

/** The CPF check digit over the first `n` digits of `d` (weights n+1 down to 2). */
function cpfDigit(d: string, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (d.charCodeAt(i) - 48) * (n + 1 - i);
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
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
  const first = cnpjDigit(base);
  return `${first}${cnpjDigit(base + first)}`;
}

/** One CNPJ check digit over `chars` (12 or 13 characters). */
function cnpjDigit(chars: string): number {
  let sum = 0;
  // The first digit uses weights 5..2,9..2, the second 6..2,9..2: the tail of the same list.
  const offset = CNPJ_WEIGHTS.length - chars.length;
  for (let i = 0; i < chars.length; i++) sum += (chars.charCodeAt(i) - 48) * CNPJ_WEIGHTS[offset + i]!;
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
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

/**
 * A fixed shape, one character class per position: `d` a digit, `a` a letter or digit, `A` an upper-case
 * letter or digit; anything else stands for itself. Matching one costs at most its length in reads and stops
 * at the first mismatch, which a sticky regular expression tried at every start cost several times over.
 */
function matchesShape(text: string, i: number, shape: string): boolean {
  for (let k = 0; k < shape.length; k++) {
    const c = text.charCodeAt(i + k);
    const want = shape.charCodeAt(k);
    const ok = want === 100 /* d */ ? isDigitCode(c) : want === 97 /* a */ ? isAsciiAlnumCode(c) : want === 65 /* A */ ? isDigitCode(c) || isUpperCode(c) : c === want;
    if (!ok) return false;
  }
  return true;
}

/** Tries the shapes at every clean start; the first that matches, ends cleanly and validates wins. */
function scanFixed(text: string, kind: Kind, shapes: readonly string[], valid: (s: string) => boolean, mask: (s: string) => string): Match[] {
  const out: Match[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!isAsciiAlnumCode(text.charCodeAt(i)) || !startsClean(text, i)) continue;
    for (const shape of shapes) {
      const end = i + shape.length;
      if (!matchesShape(text, i, shape) || !endsClean(text, end)) continue;
      const value = text.slice(i, end);
      if (!valid(value)) continue;
      out.push({ kind, start: i, end, masked: mask(value) });
      i = end - 1;
      break;
    }
  }
  return out;
}

/** CPF: `000.000.000-00`, `000000000-00` or 11 plain digits. Keeps the last 2 digits. */
export function findCpfs(text: string): Match[] {
  return scanFixed(text, 'cpf', ['ddd.ddd.ddd-dd', 'ddddddddd-dd', 'ddddddddddd'], cpfValid, (s) => maskAllButLast(s, 2, isDigit));
}

/**
 * CNPJ: `XX.XXX.XXX/XXXX-DD` (letters in either case) or 14 plain characters (upper-case only, so ordinary
 * words never qualify). Keeps the last 2.
 */
export function findCnpjs(text: string): Match[] {
  return scanFixed(
    text,
    'cnpj',
    ['aa.aaa.aaa/aaaa-dd', 'AAAAAAAAAAAAdd'],
    (s) => cnpjValid(s.toUpperCase()),
    (s) => maskAllButLast(s, 2, isAsciiAlnum),
  );
}

/** US SSN: `ddd-dd-dddd` or 9 plain digits that are not part of a longer number. Keeps the last 4. */
export function findSsns(text: string): Match[] {
  return scanFixed(text, 'ssn', ['ddd-dd-dddd', 'ddddddddd'], ssnValid, (s) => maskAllButLast(s, 4, isDigit));
}

/**
 * A card's groups from one start, reused by every start (the scanners are synchronous). At most 20 groups:
 * each has a digit or more and reading stops past 19 digits.
 */
const GROUP_END = new Int32Array(24);
const GROUP_LEN = new Int32Array(24);

/**
 * Reads maximal runs of digits, each at most 20 long, joined by one `sep` each, until more than 19 digits are
 * read; fills GROUP_END and GROUP_LEN and answers how many groups there are.
 */
function readCardGroups(text: string, i: number, sep: number): number {
  let count = 0;
  let digits = 0;
  while (digits <= 19) {
    const start = i;
    while (isDigitCode(text.charCodeAt(i)) && i - start <= 19) i++;
    if (i === start) break;
    GROUP_END[count] = i;
    GROUP_LEN[count++] = i - start;
    digits += i - start;
    if (text.charCodeAt(i) !== sep || !isDigitCode(text.charCodeAt(i + 1))) break;
    i++;
  }
  return count;
}

const HYPHEN = 45;
/** A digit's share of a Luhn sum when doubled. */
const LUHN_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9] as const;

/**
 * Card numbers: 13-19 digits, plain or in groups of 3-6 separated by single spaces or single hyphens (one
 * kind per number), valid by Luhn. The longest valid run of whole groups from a start wins, so trailing
 * numbers after a space do not hide a card. Keeps the last 4 digits and the separators.
 *
 * Each run of groups is read once: the Luhn sum of every prefix comes from two running sums (one doubling
 * the digits at even positions from the left, one the odd), and the prefix's length says which applies.
 *
 * @example findCards('cartão 4111 1111 1111 1111')[0]?.masked // '**** **** **** 1111'
 */
export function findCards(text: string): Match[] {
  const out: Match[] = [];
  // Per group: digits so far, and the two Luhn sums so far.
  const digitsAt: number[] = [];
  const evenDoubled: number[] = [];
  const oddDoubled: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!isDigitCode(text.charCodeAt(i)) || !startsClean(text, i)) continue;
    let j = i;
    while (isDigitCode(text.charCodeAt(j)) && j - i < 20) j++;
    const first = j - i;
    const sep = text.charCodeAt(j);
    const grouped = first >= 3 && first <= 6 && (sep === SPACE || sep === HYPHEN);
    let count = 1;
    if (grouped) count = readCardGroups(text, i, sep);
    else {
      GROUP_END[0] = j;
      GROUP_LEN[0] = first;
    }
    // Running sums over the groups' digits; `sized` holds while every group so far has 3-6 digits.
    let digits = 0;
    let even = 0;
    let odd = 0;
    let sizedUpTo = -1;
    for (let g = 0; g < count; g++) {
      const end = GROUP_END[g]!;
      for (let pos = end - GROUP_LEN[g]!; pos < end; pos++, digits++) {
        const d = text.charCodeAt(pos) - 48;
        even += digits % 2 === 0 ? LUHN_DOUBLED[d]! : d;
        odd += digits % 2 === 1 ? LUHN_DOUBLED[d]! : d;
      }
      digitsAt[g] = digits;
      evenDoubled[g] = even;
      oddDoubled[g] = odd;
      if (sizedUpTo === g - 1 && GROUP_LEN[g]! >= 3 && GROUP_LEN[g]! <= 6) sizedUpTo = g;
    }
    for (let g = count - 1; g >= 0; g--) {
      const n = digitsAt[g]!;
      const end = GROUP_END[g]!;
      if (n < 13 || n > 19 || (count > 1 && sizedUpTo < g) || !endsClean(text, end)) continue;
      // Luhn doubles every second digit from the right: with n digits, those at index n-2, n-4... from the left.
      if ((n % 2 === 0 ? evenDoubled[g]! : oddDoubled[g]!) % 10 !== 0) continue;
      const value = text.slice(i, end);
      out.push({ kind: 'card', start: i, end, masked: maskAllButLast(value, 4, isDigit) });
      i = end - 1;
      break;
    }
  }
  return out;
}

/** Two ASCII letters (either case) as 0..675, for IBAN_LENGTH_OF. */
const countryIndex = (c0: number, c1: number): number => ((c0 | 32) - 97) * 26 + ((c1 | 32) - 97);
/** IBAN_LENGTHS by countryIndex, 0 for a country outside the table. */
const IBAN_LENGTH_OF = new Uint8Array(26 * 26);
for (const [country, length] of Object.entries(IBAN_LENGTHS)) IBAN_LENGTH_OF[countryIndex(country.charCodeAt(0), country.charCodeAt(1))] = length;

/** Value of an IBAN character in the mod-97 check: digits 0-9, letters A-Z (either case) 10-35. */
const ibanValue = (c: number): number => (isDigitCode(c) ? c - 48 : isUpperCode(c) ? c - 55 : c - 87);
const mod97 = (rem: number, v: number): number => (v > 9 ? rem * 100 + v : rem * 10 + v) % 97;

/** 10^k mod 97 for k = 0..95: 10^96 is 1 mod 97 (Fermat), so any power reduces to one of these. */
const POW10_MOD97 = Array.from({ length: 96 }, (_, k) => {
  let p = 1;
  for (let n = 0; n < k; n++) p = (p * 10) % 97;
  return p;
});

/**
 * The groups of one space-separated run of letters and digits, read once and shared by every IBAN head in it
 * (each head used to read up to 35 characters ahead again). Per group: where it starts and ends, and the
 * mod-97 remainder of the run's characters up to its end as the check reads them (digits as one decimal
 * digit, letters as two) with the count of those decimal digits, mod 96; so the remainder of any stretch of
 * whole groups comes out in constant time.
 */
class IbanRun {
  start: number[] = [];
  end: number[] = [];
  rem: number[] = [];
  digits: number[] = [];
  /** Whether a space and another group follow the last group read. */
  more = false;
  constructor(private readonly text: string) {}

  /** Index of the group starting at `i`, reading the run from there when `i` is not one of its groups. */
  at(i: number, from: number): number {
    for (let k = from; k < this.start.length && this.start[k]! <= i; k++) if (this.start[k] === i) return k;
    this.start.length = this.end.length = this.rem.length = this.digits.length = 0;
    this.more = true;
    this.read(i);
    return 0;
  }

  /** Reads the next group, if a space and one follow the last (a group is at most 35 characters). */
  next(): boolean {
    if (!this.more) return false;
    this.read(this.end[this.end.length - 1]! + 1);
    return true;
  }

  private read(i: number): void {
    const text = this.text;
    const k = this.start.length;
    let rem = k > 0 ? this.rem[k - 1]! : 0;
    let digits = k > 0 ? this.digits[k - 1]! : 0;
    let pos = i;
    for (; isAsciiAlnumCode(text.charCodeAt(pos)) && pos - i <= 34; pos++) {
      const v = ibanValue(text.charCodeAt(pos));
      rem = mod97(rem, v);
      digits = (digits + (v > 9 ? 2 : 1)) % 96;
    }
    this.start.push(i);
    this.end.push(pos);
    this.rem.push(rem);
    this.digits.push(digits);
    this.more = text.charCodeAt(pos) === SPACE && isAsciiAlnumCode(text.charCodeAt(pos + 1));
  }

  /** Characters in group `g`. */
  len(g: number): number {
    return this.end[g]! - this.start[g]!;
  }

  /** The remainder of the characters after group `a` up to the end of group `b` (b > a). */
  between(a: number, b: number): number {
    const shift = POW10_MOD97[(this.digits[b]! - this.digits[a]! + 96) % 96]!;
    return (((this.rem[b]! - this.rem[a]! * shift) % 97) + 97) % 97;
  }
}

/**
 * Valid IBANs, and IBAN-shaped spans of a known country (15-34 characters) that fail the checks: those are
 * left alone whole.
 *
 * Each run of groups is read once ({@link IbanRun}); a head's candidate prefixes are checked from its
 * running remainders, each in constant time, and the remainder is computed only for prefixes of the
 * country's length (ISO 13616: check digits 02-98, and the rearranged number's mod-97 equal to 1).
 */
function scanIbans(text: string): { matches: Match[]; lookalikes: Array<[number, number]> } {
  const matches: Match[] = [];
  const lookalikes: Array<[number, number]> = [];
  const run = new IbanRun(text);
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    const head = isAsciiLetterCode(c0) && isAsciiLetterCode(c1) && isDigitCode(c2) && isDigitCode(c3);
    if (!head || !startsClean(text, i)) continue;
    const h = (from = run.at(i, from));
    // This head's groups: up to more than 34 characters, as far as the run goes.
    let last = h;
    for (let units = run.end[h]! - i; units <= 34; units += run.end[last]! - run.start[last]!) {
      if (last + 1 >= run.start.length && !run.next()) break;
      last++;
    }
    if (run.len(h) > 4) last = h; // plain: one run, nothing after it
    else {
      // Grouped: groups of 4, then at most one shorter group that ends the IBAN; a longer run is not part of it.
      let odd = h;
      while (odd <= last && run.len(odd) === 4) odd++;
      if (odd <= last) last = run.len(odd) < 4 ? odd : odd - 1;
    }
    const expected = IBAN_LENGTH_OF[countryIndex(c0, c1)]!; // 0: a country outside the table
    const check = (c2 - 48) * 10 + (c3 - 48);
    const checkable = check >= 2 && check <= 98;
    // Longest first: the first prefix of the country's length that passes mod-97 and ends cleanly wins.
    const total = run.end[last]! - i - (last - h); // characters, without the spaces
    let end = -1;
    for (let g = last, chars = total; g >= h && end < 0; chars -= run.len(g), g--) {
      const sized = chars >= 5 && (expected !== 0 ? chars === expected : chars >= 15 && chars <= 34);
      if (!checkable || !sized || !endsClean(text, run.end[g]!)) continue;
      // The check moves the four leading characters to the end.
      let rem = 0;
      if (g > h) rem = run.between(h, g);
      else for (let pos = i + 4; pos < run.end[h]!; pos++) rem = mod97(rem, ibanValue(text.charCodeAt(pos))); // plain
      if (mod97(mod97(mod97(mod97(rem, ibanValue(c0)), ibanValue(c1)), c2 - 48), c3 - 48) !== 1) continue;
      end = run.end[g]!;
      matches.push({ kind: 'iban', start: i, end, masked: maskAllButLast(text.slice(i, end), 4, isAsciiAlnum) });
    }
    if (end < 0) {
      const whole = run.end[last]!;
      if (expected === 0 || total < 15 || total > 34 || !endsClean(text, whole)) continue;
      end = whole;
      lookalikes.push([i, end]);
    }
    i = end - 1;
  }
  return { matches, lookalikes };
}

/**
 * IBAN: plain (`DE89370400440532013000`) or in groups of 4 separated by single spaces, the last group 1-4
 * characters. Valid by ISO 13616 (the country's length, check digits 02-98, mod-97). Keeps the last 4
 * alphanumerics and the spaces.
 *
 * @example findIbans('IBAN DE89 3704 0044 0532 0130 00')[0]?.masked // '**** **** **** **** **30 00'
 */
export function findIbans(text: string): Match[] {
  return scanIbans(text).matches;
}

const DOT = 46;
/** A character of an e-mail's local part: a letter or digit of any script, or `._%+-`. */
const isLocalCode = (c: number): boolean => isLetterOrNumberCode(c) || c === DOT || c === UNDERSCORE || c === 37 || c === 43 || c === HYPHEN;
/** A character of a domain label: a letter or digit of any script, or `-`. */
const isLabelCode = (c: number): boolean => isLetterOrNumberCode(c) || c === HYPHEN;
const TLD = /^\p{L}{2,}$/u;
/** `text.slice(from, to)`, one domain label, is a top-level domain: two letters or more. */
const isTld = (text: string, from: number, to: number): boolean => to - from >= 2 && TLD.test(text.slice(from, to));

/**
 * E-mail addresses, found from each `@`: a local part of letters, digits and `._%+-`, and a domain of
 * labels joined by dots whose last label has at least two letters. Keeps the first character of the local
 * part and the whole domain: `melissa@gmail.com` -> `m******@gmail.com`.
 */
export function findEmails(text: string): Match[] {
  const out: Match[] = [];
  let floor = 0; // the local part never reaches back over an earlier match or `@`
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > floor && isLocalCode(text.charCodeAt(start - 1))) start--;
    while (text.charCodeAt(start) === DOT) start++;
    floor = at + 1;
    if (start === at || text.charCodeAt(at - 1) === DOT) continue;
    const labelEnds: number[] = [];
    let j = at + 1;
    for (;;) {
      const s = j;
      while (isLabelCode(text.charCodeAt(j))) j++;
      if (j === s || text.charCodeAt(s) === HYPHEN || text.charCodeAt(j - 1) === HYPHEN) break;
      labelEnds.push(j);
      if (text.charCodeAt(j) !== DOT || !isLabelCode(text.charCodeAt(j + 1))) break;
      j++;
    }
    // The address ends after the last label that is a top-level domain (two letters or more).
    let k = labelEnds.length - 1;
    while (k >= 1 && !isTld(text, labelEnds[k - 1]! + 1, labelEnds[k]!)) k--;
    if (k < 1) continue;
    const end = labelEnds[k]!;
    const local = Array.from(text.slice(start, at));
    out.push({ kind: 'email', start, end, masked: local[0] + '*'.repeat(local.length - 1) + text.slice(at, end) });
    floor = end;
  }
  return out;
}

const PLUS = 43;
const LPAREN = 40;
const RPAREN = 41;
const COMMA = 44;
const SLASH = 47;

interface PhoneGroup {
  start: number;
  end: number;
  digits: number;
  paren: boolean;
  /** The separator before this group: SPACE, HYPHEN, DOT, or 0 (first group, or right after `)`). */
  sep: number;
}

/** A phone-like run from `i`: optional `+` and one space, then digit groups and at most one `(1-4 digits)`. */
function readPhoneRun(text: string, i: number): { plus: boolean; groups: PhoneGroup[]; end: number } {
  const groups: PhoneGroup[] = [];
  let pos = i;
  const plus = text.charCodeAt(pos) === PLUS;
  if (plus) pos += text.charCodeAt(pos + 1) === SPACE ? 2 : 1;
  let sep = 0;
  let paren = false;
  for (;;) {
    const start = pos;
    let isParen = false;
    if (text.charCodeAt(pos) === LPAREN && !paren) {
      pos++;
      while (isDigitCode(text.charCodeAt(pos)) && pos - start <= 4) pos++;
      if (pos - start < 2 || text.charCodeAt(pos) !== RPAREN) break;
      pos++;
      isParen = paren = true;
    } else {
      while (isDigitCode(text.charCodeAt(pos))) pos++;
      if (pos === start) break;
    }
    const next = text.charCodeAt(pos);
    // A group glued to a word, a decimal comma or a date's slash is not part of a phone.
    const glued = isWordishCode(next) && !(isParen && isDigitCode(next));
    if (glued || ((next === COMMA || next === SLASH) && isDigitCode(text.charCodeAt(pos + 1)))) break;
    groups.push({ start, end: pos, digits: pos - start - (isParen ? 2 : 0), paren: isParen, sep });
    const after = text.charCodeAt(pos + 1);
    const follows = isDigitCode(after) || (after === LPAREN && !paren);
    if ((next === SPACE || next === HYPHEN || next === DOT) && follows) {
      sep = next;
      pos++;
    } else if ((isParen && isDigitCode(next)) || (next === LPAREN && !paren)) sep = 0;
    else break;
  }
  return { plus, groups, end: groups.length ? groups[groups.length - 1]!.end : i };
}

/**
 * Groups a..b form a phone: see the module header. `digits` and `paren` are those of groups a..b, which the
 * caller sums as it extends b (summing them here again made each start cost the square of its groups).
 */
function phoneShaped(groups: PhoneGroup[], a: number, b: number, digits: number, paren: boolean, plus: boolean): boolean {
  const last = groups[b]!;
  if (last.paren || last.digits < 3 || digits > 15) return false;
  if (plus || paren) return digits >= 8;
  // Two groups joined by a hyphen or dot are how protocols, orders and ZIP+4 codes are written (2024-001234).
  const pair = b === a + 1 && last.sep !== SPACE;
  return digits >= 10 && b > a && !pair && last.digits >= 4 && !inCardBlock(groups, a, b);
}

/** A group a card may have: 3-6 digits, not in parentheses. */
const fitsCardGroup = (group: PhoneGroup): boolean => group.digits >= 3 && group.digits <= 6 && !group.paren;

/**
 * Groups a..b (no `+`, no parentheses) sit in a card-like block: groups of 3-6 digits joined by one and the
 * same separator, 13 digits or more with their neighbours joined the same way. A mistyped card, or a card
 * followed by a year, is then never taken for a phone.
 */
function inCardBlock(groups: PhoneGroup[], a: number, b: number): boolean {
  const sep = groups[a + 1]?.sep;
  if (b === a || (sep !== SPACE && sep !== HYPHEN)) return false;
  let digits = 0;
  for (let g = a; g <= b; g++) {
    if (!fitsCardGroup(groups[g]!) || (g > a && groups[g]!.sep !== sep)) return false;
    digits += groups[g]!.digits;
  }
  // Grow outwards only until 13 digits: bounded work per candidate.
  for (let g = a; g > 0 && digits < 13 && groups[g]!.sep === sep && fitsCardGroup(groups[g - 1]!); g--) {
    digits += groups[g - 1]!.digits;
  }
  for (let g = b + 1; g < groups.length && digits < 13 && groups[g]!.sep === sep && fitsCardGroup(groups[g]!); g++) {
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
    const c = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const opens = c === PLUS ? isDigitCode(c1) || c1 === LPAREN || (c1 === SPACE && isDigitCode(text.charCodeAt(i + 2))) : isDigitCode(c) || c === LPAREN;
    if (!opens) continue;
    const prev = text.charCodeAt(i - 1);
    if (isWordishCode(prev) || prev === PLUS || (c !== PLUS && !startsClean(text, i))) continue;
    const { plus, groups, end } = readPhoneRun(text, i);
    if (groups.length === 0) continue;
    for (let a = 0; a < groups.length; a++) {
      if (a > 0 && groups[a]!.sep !== SPACE) continue; // a phone inside a run starts after a space
      let best = -1;
      let paren = false;
      for (let b = a, digits = 0; b < groups.length && (digits += groups[b]!.digits) <= 15; b++) {
        paren ||= groups[b]!.paren;
        const cut = b === groups.length - 1 || groups[b + 1]!.sep === SPACE;
        if (cut && phoneShaped(groups, a, b, digits, paren, plus && a === 0)) best = b;
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

/** The detectors after IBANs, in precedence order (module header). */
const DETECTORS: ReadonlyArray<readonly [Kind, (text: string) => Match[]]> = [
  ['cnpj', findCnpjs],
  ['cpf', findCpfs],
  ['card', findCards],
  ['ssn', findSsns],
  ['email', findEmails],
  ['phone', findPhones],
];

/** Every sensitive value in `text`, in text order, no two overlapping. */
export function findSensitive(text: string): Match[] {
  // An IBAN look-alike is left alone whole: its groups are not cards or phones. IBANs are then found in the
  // text without the look-alikes; with none, that is the text just scanned, and its IBANs are the answer.
  const scan = scanIbans(text);
  let rest = blank(text, scan.lookalikes);
  const all = scan.lookalikes.length === 0 ? scan.matches : scanIbans(rest).matches;
  rest = blank(rest, all.map((m) => [m.start, m.end]));
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

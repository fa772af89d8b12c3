import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMasking,
  cnpjCheckDigits,
  cnpjValid,
  cpfValid,
  findCards,
  findCnpjs,
  findCpfs,
  findEmails,
  findIbans,
  findPhones,
  findSensitive,
  findSsns,
  IBAN_LENGTHS,
  maskSensitive,
  MASKING_MODES,
  ssnValid,
  type Kind,
} from './masking';

// Independent helpers: computed another way than the module does, so a shared mistake cannot pass.

/** CNPJ check digits by the Receita's description: weights 2..9 repeating from the right, value = code - 48. */
function cnpjDv(base12: string): string {
  const digit = (chars: string): number => {
    let sum = 0;
    for (let i = chars.length - 1, w = 2; i >= 0; i--, w = w === 9 ? 2 : w + 1) sum += (chars.charCodeAt(i) - 48) * w;
    return sum % 11 < 2 ? 0 : 11 - (sum % 11);
  };
  const d1 = digit(base12);
  return `${d1}${digit(base12 + d1)}`;
}

/** CPF check digits: weights 10..2, then 11..2. */
function cpfDv(base9: string): string {
  const digit = (ds: string): number => {
    const sum = [...ds].reduce((n, d, i) => n + Number(d) * (ds.length + 1 - i), 0);
    return (sum * 10) % 11 % 10;
  };
  const d1 = digit(base9);
  return `${d1}${digit(base9 + d1)}`;
}

/** Reference Luhn check, digit by digit from the right; the scanner keeps two running sums instead. */
function luhnValid(digits: string): boolean {
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
 * Reference ISO 13616 check over the whole string at once: two letters, check digits 02-98,
 * alphanumerics, the country's length (15-34 outside the table), and mod-97 of the rearranged number equal
 * to 1. Spaces are ignored; letters in either case. The scanner checks prefixes from running remainders.
 */
function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(s)) return false;
  const check = Number(s.slice(2, 4));
  if (check < 2 || check > 98) return false;
  const expected = IBAN_LENGTHS[s.slice(0, 2)];
  if (expected !== undefined ? s.length !== expected : s.length < 15 || s.length > 34) return false;
  let rem = 0;
  for (const c of s.slice(4) + s.slice(0, 4)) {
    const v = /\d/.test(c) ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55;
    rem = (v > 9 ? rem * 100 + v : rem * 10 + v) % 97;
  }
  return rem === 1;
}

/** `value` with every character `counts` says but the last `keep` of them turned into `*`. */
function starredAllButLast(value: string, keep: number, counts: RegExp): string {
  let kept = 0;
  return [...value]
    .reverse()
    .map((c) => (!counts.test(c) ? c : kept++ < keep ? c : '*'))
    .reverse()
    .join('');
}

/** The Luhn digit that completes `partial`, by brute force. */
function luhnComplete(partial: string): string {
  for (let d = 0; d <= 9; d++) {
    const s = partial + d;
    const sum = [...s].reverse().reduce((n, c, i) => {
      const v = Number(c) * (i % 2 ? 2 : 1);
      return n + (v > 9 ? v - 9 : v);
    }, 0);
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

type Row = [input: string, masked: string, found: Kind[]];
const unchanged = (input: string): Row => [input, input, []];

function expectRows(rows: Row[]): void {
  for (const [input, masked, found] of rows) {
    expect(maskSensitive(input), input).toEqual({ text: masked, found });
  }
}

describe('the Webex examples, verbatim', () => {
  it.each<Row>([
    ['+ 1 (123) 456 7890', '**********7890', ['phone']],
    ['+447966197542', '*********7542', ['phone']],
    ['melissa@gmail.com', 'm******@gmail.com', ['email']],
  ])('%s -> %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });
});

describe('card numbers', () => {
  const nineteen = luhnComplete('622126000000000000');
  it.each<Row>([
    ['4111 1111 1111 1111', '**** **** **** 1111', ['card']],
    ['4111-1111-1111-1111', '****-****-****-1111', ['card']],
    ['4111111111111111', '************1111', ['card']],
    ['5500 0000 0000 0004', '**** **** **** 0004', ['card']],
    ['6011 1111 1111 1117', '**** **** **** 1117', ['card']],
    ['3782 822463 10005', '**** ****** *0005', ['card']],
    ['378282246310005', '***********0005', ['card']],
    ['3056 930902 5904', '**** ****** 5904', ['card']],
    ['4222222222222', '*********2222', ['card']],
    [nineteen, `${'*'.repeat(15)}${nineteen.slice(15)}`, ['card']],
    ['cartão: 4111 1111 1111 1111.', 'cartão: **** **** **** 1111.', ['card']],
    ['pedido 2024 4111 1111 1111 1111', 'pedido 2024 **** **** **** 1111', ['card']],
    ['4111 1111 1111 1111 2024', '**** **** **** 1111 2024', ['card']],
    ['(4111111111111111)', '(************1111)', ['card']],
  ])('a valid card is masked but its last 4 digits: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each<Row>([
    unchanged('4111 1111 1111 1112'),
    unchanged('4111-1111-1111-1112'),
    unchanged('4111111111111112'),
    unchanged('3782 822463 10006'),
    unchanged('1234 5678 9012 3456'),
    unchanged('4111 1111 1111 1112 2024'),
    unchanged('4111-1111-1111-1111-2222'), // 20 digits joined by hyphens: one longer number
    unchanged('41111111111111111111'), // 20 digits
    unchanged('x4111111111111111'), // part of a token
    unchanged('4111111111111111abc'),
    unchanged('41 11 11 11 11 11 11 11'), // groups of 2 are not a card's
    unchanged('9.4111111111111111'),
    unchanged('4111111111111111,50'),
  ])('a look-alike that fails Luhn or a card shape is left alone: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each(['4111111111111111', '5500000000000004', '378282246310005', '30569309025904', '4222222222222'])(
    'luhnValid(%s)',
    (n) => {
      expect(luhnValid(n)).toBe(true);
      expect(luhnValid(n.slice(0, -1) + ((Number(n.at(-1)) + 1) % 10))).toBe(false);
    },
  );

  it('findCards answers positions in the original text', () => {
    expect(findCards('é 4111 1111 1111 1111')).toEqual([
      { kind: 'card', start: 2, end: 21, masked: '**** **** **** 1111' },
    ]);
  });
});

describe('IBAN', () => {
  it.each<Row>([
    ['DE89 3704 0044 0532 0130 00', '**** **** **** **** **30 00', ['iban']],
    ['DE89370400440532013000', '******************3000', ['iban']],
    ['de89 3704 0044 0532 0130 00', '**** **** **** **** **30 00', ['iban']],
    ['GB82 WEST 1234 5698 7654 32', '**** **** **** **** **54 32', ['iban']],
    ['GB29 NWBK 6016 1331 9268 19', '**** **** **** **** **68 19', ['iban']],
    ['FR14 2004 1010 0505 0001 3M02 606', '**** **** **** **** **** ***2 606', ['iban']],
    ['ES91 2100 0418 4502 0005 1332', '**** **** **** **** **** 1332', ['iban']],
    ['PT50 0002 0123 1234 5678 9015 4', '**** **** **** **** **** *015 4', ['iban']],
    ['NL91 ABNA 0417 1643 00', '**** **** **** **43 00', ['iban']],
    ['BR97 0036 0305 0000 1000 9795 493P 1', '**** **** **** **** **** **** *93P 1', ['iban']],
    ['BR1800360305000010009795493C1', '*************************93C1', ['iban']],
    ['NO93 8601 1117 947', '**** **** ***7 947', ['iban']],
    ['IT60 X054 2811 1010 0000 0123 456', '**** **** **** **** **** ***3 456', ['iban']],
    ['MT84 MALT 0110 0001 2345 MTLC AST0 01S', '**** **** **** **** **** **** ***0 01S', ['iban']],
    ['IBAN: DE89 3704 0044 0532 0130 00, obrigado', 'IBAN: **** **** **** **** **30 00, obrigado', ['iban']],
    ['DE89 3704 0044 0532 0130 00 1234', '**** **** **** **** **30 00 1234', ['iban']],
  ])('a valid IBAN is masked but its last 4 characters: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each<Row>([
    unchanged('DE88 3704 0044 0532 0130 00'), // mod-97 fails: its groups are not taken for a card or a phone
    unchanged('DE89 3704 0044 0532 0130 0'), // one character short for DE
    unchanged('DE89 3704 0044 0532 0130 000'), // one too many
    unchanged('GB82 WEST 1234 5698 7654 33'),
    unchanged('PT50 0002 0123 1234 5678 9015 5'),
    unchanged('BR97 0036 0305 0000 1000 9795 493Q 1'),
    unchanged('NL91ABNA0417164301'),
    unchanged('xDE89370400440532013000'),
    unchanged('DE89370400440532013000x'),
  ])('an IBAN that fails mod-97 or its length is left alone: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it('a look-alike of an unknown country does not hide what follows it', () => {
    expect(maskSensitive('voo LA34 4111 1111 1111 1111').text).toBe('voo LA34 **** **** **** 1111');
  });

  it('check digits 00, 01 and 99 are never valid, even when mod-97 would pass', () => {
    // Same BBAN as DE89...: the rearranged number is congruent mod 97 whatever the check digits that differ by 97.
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    for (const cc of ['00', '01', '99']) expect(ibanValid(`DE${cc}370400440532013000`)).toBe(false);
  });

  it('a country outside the length table needs 15 to 34 characters and mod-97', () => {
    expect(ibanValid('XX' + '00' + '1234567890123')).toBe(false);
    const body = '123456789012345';
    const rem = BigInt(body + '3333' + '00') % 97n; // X = 33
    const check = String(98n - rem).padStart(2, '0');
    expect(ibanValid(`XX${check}${body}`)).toBe(true);
  });

  it('findIbans answers only valid ones', () => {
    expect(findIbans('DE88 3704 0044 0532 0130 00 e DE89 3704 0044 0532 0130 00').map((m) => m.start)).toEqual([30]);
  });
});

describe('the scanners agree with the reference checks', () => {
  const digit = fc.constantFrom(...'0123456789');
  const around = fc.record({ before: fc.constantFrom('', 'cartão ', 'conta: ', '('), after: fc.constantFrom('', '.', ' obrigado', ')') });

  it('findCards masks a 13-19 digit number, plain or in groups, exactly when the reference Luhn check passes', () => {
    // Plain 13-19 digits, or 16 digits in groups of 4 (its only candidate is the whole number: 12 digits are
    // too few), joined by spaces or hyphens. Half of them completed to pass Luhn, so both answers are common.
    const number = fc
      .record({ body: fc.string({ unit: digit, minLength: 12, maxLength: 18 }), last: digit, complete: fc.boolean(), sep: fc.constantFrom('', ' ', '-') })
      .map(({ body, last, complete, sep }) => {
        const digits = complete ? luhnComplete(body) : body + last;
        return { digits, text: sep !== '' && digits.length === 16 ? digits.match(/\d{4}/g)!.join(sep) : digits };
      });
    fc.assert(
      fc.property(number, around, ({ digits, text: value }, { before, after }) => {
        const text = before + value + after;
        const expected = luhnValid(digits) ? [{ kind: 'card', start: before.length, end: before.length + value.length, masked: starredAllButLast(value, 4, /\d/) }] : [];
        expect(findCards(text)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("findIbans masks an IBAN-shaped value, plain or in groups of 4, exactly when the reference ISO 13616 check passes", () => {
    // Countries of the table at their own length (plain or grouped), and countries outside it at 15-34
    // characters (plain: grouped, a shorter run of whole groups would be a candidate of its own). Half of
    // them get the check digits that make mod-97 pass, some of those moved by 97 where that stays two digits
    // (02 to 99, 97 and 98 to 00 and 01: mod-97 passes, the range does not); letters in either case.
    const alnum = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const known = fc.constantFrom(...Object.keys(IBAN_LENGTHS)).chain((country) =>
      fc.record({ country: fc.constant(country), bban: fc.string({ unit: alnum, minLength: IBAN_LENGTHS[country]! - 4, maxLength: IBAN_LENGTHS[country]! - 4 }), grouped: fc.boolean() }),
    );
    const unknown = fc.record({ country: fc.constantFrom('XX', 'US', 'ZZ', 'AA'), bban: fc.string({ unit: alnum, minLength: 11, maxLength: 30 }), grouped: fc.constant(false) });
    const iban = fc
      .record({ parts: fc.oneof(known, unknown), checkDigits: fc.string({ unit: digit, minLength: 2, maxLength: 2 }), check: fc.constantFrom('random', 'complete', 'moved'), lower: fc.boolean() })
      .map(({ parts: { country, bban, grouped }, checkDigits, check, lower }) => {
        const value = (d: string): number => (/\d/.test(d) ? Number(d) : d.charCodeAt(0) - 55);
        const rem = [...bban + country + '00'].reduce((r, c) => (value(c) > 9 ? r * 100 + value(c) : r * 10 + value(c)) % 97, 0);
        const right = 98 - rem;
        const moved = right === 2 ? 99 : right >= 97 ? right - 97 : right;
        const digits = check === 'random' ? checkDigits : String(check === 'complete' ? right : moved).padStart(2, '0');
        const plain = `${country}${digits}${bban}`;
        const text = grouped ? plain.match(/.{1,4}/g)!.join(' ') : plain;
        return lower ? text.toLowerCase() : text;
      });
    fc.assert(
      fc.property(iban, around, (value, { before, after }) => {
        const text = before + value + after;
        const expected = ibanValid(value) ? [{ kind: 'iban', start: before.length, end: before.length + value.length, masked: starredAllButLast(value, 4, /[0-9A-Za-z]/) }] : [];
        expect(findIbans(text)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('US SSN', () => {
  it.each<Row>([
    ['123-45-6789', '***-**-6789', ['ssn']],
    ['SSN 078-05-1120.', 'SSN ***-**-1120.', ['ssn']],
    ['123456789', '*****6789', ['ssn']],
    ['899-99-9999', '***-**-9999', ['ssn']],
  ])('a valid SSN is masked but its last 4 digits: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each<Row>([
    unchanged('000-12-3456'),
    unchanged('666-12-3456'),
    unchanged('900-12-3456'),
    unchanged('999-12-3456'),
    unchanged('123-00-4567'),
    unchanged('123-45-0000'),
    unchanged('1234567890'), // 9 digits only when not part of a longer number
    unchanged('12345678'),
    unchanged('1/123456789'),
    unchanged('123456789-00'), // an invalid CPF's first 9 digits
  ])('an SSN look-alike is left alone: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it('findSsns', () => {
    expect(findSsns('SSN: 123-45-6789')).toEqual([{ kind: 'ssn', start: 5, end: 16, masked: '***-**-6789' }]);
  });

  it('ssnValid', () => {
    expect(ssnValid('123-45-6789')).toBe(true);
    expect(ssnValid('665-45-6789')).toBe(true);
    expect(ssnValid('666456789')).toBe(false);
  });
});

describe('CPF', () => {
  const generated = '987654321' + cpfDv('987654321');
  it.each<Row>([
    ['529.982.247-25', '***.***.***-25', ['cpf']],
    ['52998224725', '*********25', ['cpf']],
    ['529982247-25', '*********-25', ['cpf']],
    ['111.444.777-35', '***.***.***-35', ['cpf']],
    [generated, `*********${generated.slice(9)}`, ['cpf']],
    ['CPF:529.982.247-25.', 'CPF:***.***.***-25.', ['cpf']],
    ['(529.982.247-25)', '(***.***.***-25)', ['cpf']],
  ])('a valid CPF is masked but its last 2 digits: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each<Row>([
    unchanged('123.456.789-00'), // wrong check digits, CPF punctuation: not a phone either
    unchanged('12345678900'),
    unchanged('123456789-00'),
    unchanged('529.982.247-26'),
    unchanged('529.982.247-52'),
    unchanged('111.111.111-11'), // check digits pass, all the same digit
    unchanged('00000000000'),
    unchanged('1529.982.247-25'),
    unchanged('529.982.247-251'),
    unchanged('ab52998224725'),
  ])('a CPF look-alike is left alone: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it('cpfValid agrees with the independent check-digit helper', () => {
    for (const base of ['529982247', '111444777', '000000001', '314159265', '271828182']) {
      expect(cpfValid(base + cpfDv(base))).toBe(true);
      expect(cpfValid(base + ((Number(cpfDv(base)) + 1) % 100).toString().padStart(2, '0'))).toBe(false);
    }
  });

  it('findCpfs', () => {
    expect(findCpfs('Meu CPF é 529.982.247-25')).toEqual([
      { kind: 'cpf', start: 10, end: 24, masked: '***.***.***-25' },
    ]);
  });
});

describe('CNPJ, numeric and alphanumeric (July 2026)', () => {
  const alnumBase = '12ABC34501DE';
  const alnum = `12.ABC.345/01DE-${cnpjDv(alnumBase)}`;

  it('the alphanumeric example has the check digits the independent helper computes', () => {
    expect(cnpjDv(alnumBase)).toBe('35'); // the Receita Federal's published example: 12.ABC.345/01DE-35
    expect(cnpjCheckDigits(alnumBase)).toBe(cnpjDv(alnumBase));
    for (const base of ['112223330001', 'AB1CD2EF3GH4', 'ZZZZZZZZ0001', '00ABCDEF0001', 'A1B2C3D4E5F6']) {
      expect(cnpjCheckDigits(base)).toBe(cnpjDv(base));
      expect(cnpjValid(base + cnpjDv(base))).toBe(true);
    }
  });

  it.each<Row>([
    ['11.222.333/0001-81', '**.***.***/****-81', ['cnpj']],
    ['11222333000181', '************81', ['cnpj']],
    [alnum, '**.***.***/****-35', ['cnpj']],
    ['12ABC34501DE35', '************35', ['cnpj']],
    ['12.abc.345/01de-35', '**.***.***/****-35', ['cnpj']],
    ['CNPJ 11.222.333/0001-81, obrigado', 'CNPJ **.***.***/****-81, obrigado', ['cnpj']],
    [`AB1CD2EF3GH4${cnpjDv('AB1CD2EF3GH4')}`, '************' + cnpjDv('AB1CD2EF3GH4'), ['cnpj']],
  ])('a valid CNPJ is masked but its last 2 digits: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each<Row>([
    unchanged('11.222.333/0001-80'),
    unchanged('11222333000180'),
    unchanged('12.ABC.345/01DE-53'),
    unchanged('12ABC34501DE53'),
    unchanged('12abc34501de35'), // plain form: letters upper-case only
    unchanged('00.000.000/0000-00'),
    unchanged('11111111111111'),
    unchanged('11.222.333/0001-8'),
    unchanged('11.222.333/0001-811'),
  ])('a CNPJ look-alike is left alone: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it('findCnpjs', () => {
    expect(findCnpjs('x 11.222.333/0001-81')).toEqual([
      { kind: 'cnpj', start: 2, end: 20, masked: '**.***.***/****-81' },
    ]);
  });
});

describe('e-mail addresses', () => {
  it.each<Row>([
    ['melissa@gmail.com', 'm******@gmail.com', ['email']],
    ['a@b.co', 'a@b.co', ['email']],
    ['joao.silva+chat@empresa.com.br', 'j**************@empresa.com.br', ['email']],
    ['Escreva para joão.silva@exemplo.com.br.', 'Escreva para j*********@exemplo.com.br.', ['email']],
    ['<melissa@gmail.com>', '<m******@gmail.com>', ['email']],
    ['52998224725@gmail.com', '5**********@gmail.com', ['email']],
    ['ana@mail.example.org e bia@x.io', 'a**@mail.example.org e b**@x.io', ['email']],
    ['...ana@gmail.com', '...a**@gmail.com', ['email']],
  ])('the local part is masked but its first character: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each<Row>([
    unchanged('melissa@gmail'),
    unchanged('melissa@localhost'),
    unchanged('@gmail.com'),
    unchanged('melissa@.com'),
    unchanged('melissa.@gmail.com'),
    unchanged('a@b.c'),
    unchanged('melissa@-gmail.com'),
    unchanged('me@ 10h'),
  ])('not an address: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it('findEmails', () => {
    expect(findEmails('oi melissa@gmail.com!')).toEqual([
      { kind: 'email', start: 3, end: 20, masked: 'm******@gmail.com' },
    ]);
  });
});

describe('phone numbers', () => {
  it.each<Row>([
    ['(11) 91234-5678', '**********5678', ['phone']],
    ['(11)91234-5678', '**********5678', ['phone']],
    ['+55 11 91234-5678', '***********5678', ['phone']],
    ['+55 (11) 91234-5678', '*************5678', ['phone']],
    ['+55(11)91234-5678', '*************5678', ['phone']],
    ['+5511912345678', '**********5678', ['phone']],
    ['11 91234-5678', '********5678', ['phone']],
    ['11 3456-7890', '*******7890', ['phone']],
    ['(21) 2345-6789', '*********6789', ['phone']],
    ['+55 11 9 1234-5678', '***********5678', ['phone']],
    ['0800 123 4567', '*******4567', ['phone']],
    ['123-456-7890', '********7890', ['phone']],
    ['123.456.7890', '********7890', ['phone']],
    ['+1-123-456-7890', '***********7890', ['phone']],
    ['+351 912 345 678', '*********5678', ['phone']],
    ['07966 197542', '*******7542', ['phone']],
    ['11 912345678', '*******5678', ['phone']],
    ['2024 001234', '******1234', ['phone']], // two groups joined by a space may be a phone, as the one above
    ['Me liga: 123-456-7890!', 'Me liga: ********7890!', ['phone']],
    ['📞 +55 11 91234-5678 🙂', '📞 ***********5678 🙂', ['phone']],
    ['11 91234-5678 2 vezes', '********5678 2 vezes', ['phone']],
    ['(11) 91234-5678 10 horas', '**********5678 10 horas', ['phone']],
    ['+55 11 91234-5678 2024', '***********5678 2024', ['phone']],
    ['11 91234-5678 11 3456-7890', '********5678 *******7890', ['phone']],
    ['Ligue (11) 3456-7890 ou 11 98765-4321.', 'Ligue *********7890 ou ********4321.', ['phone']],
  ])('spaces removed, all but the last 4 digits masked: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each<Row>([
    unchanged('11912345678'), // plain digits: no phone shape (could be an order number)
    unchanged('91234-5678'), // 9 digits without + or parentheses
    unchanged('CEP 01310-100'),
    unchanged('R$ 1.234.567,89'),
    unchanged('IP 192.168.100.200'),
    unchanged('10.05.2024 14:30'),
    unchanged('10/05/2024'),
    unchanged('123.456.789-00'),
    unchanged('11.222.333/0001-80'),
    unchanged('000-12-3456'),
    unchanged('+55 11'),
    unchanged('(11) 1234'),
    unchanged('2024-001234'), // two groups joined by a hyphen: a protocol or order number
    unchanged('12345.67890'),
    unchanged('11 91234-56'), // last group too short
    unchanged('nota 9h 11 9'),
    unchanged('x11 91234-5678'),
    unchanged('(veja 11) 91234'),
  ])('not a phone: %s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it.each<Row>([
    ['123-45-67890', '********7890', ['phone']], // not an SSN (5-digit serial), but a phone's shape
    ['529.982.24725', '*********4725', ['phone']], // not CPF punctuation, but a phone's shape
    ['4111 1111 1111', '********1111', ['phone']], // 12 digits: too short for a card
  ])("a look-alike of another kind that has a phone's shape is masked as a phone: %s", (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it('findPhones', () => {
    expect(findPhones('tel (11) 91234-5678')).toEqual([{ kind: 'phone', start: 4, end: 19, masked: '**********5678' }]);
  });
});

describe('mixed pt-BR messages', () => {
  it('Meu CPF é 529.982.247-25 e o cartão 4111 1111 1111 1111', () => {
    expectRows([
      [
        'Meu CPF é 529.982.247-25 e o cartão 4111 1111 1111 1111',
        'Meu CPF é ***.***.***-25 e o cartão **** **** **** 1111',
        ['cpf', 'card'],
      ],
    ]);
  });

  it.each<Row>([
    [
      'Olá! Sou a Melissa (melissa@gmail.com), meu celular é (11) 91234-5678 😊',
      'Olá! Sou a Melissa (m******@gmail.com), meu celular é **********5678 😊',
      ['email', 'phone'],
    ],
    [
      'Pagamento: cartão 5500-0000-0000-0004, CNPJ 11.222.333/0001-81, IBAN PT50 0002 0123 1234 5678 9015 4.',
      'Pagamento: cartão ****-****-****-0004, CNPJ **.***.***/****-81, IBAN **** **** **** **** **** *015 4.',
      ['card', 'cnpj', 'iban'],
    ],
    [
      'CPF 123.456.789-00 (errado) e o certo 529.982.247-25; cartão 4111 1111 1111 1112 não passou',
      'CPF 123.456.789-00 (errado) e o certo ***.***.***-25; cartão 4111 1111 1111 1112 não passou',
      ['cpf'],
    ],
    [
      'Pedido nº 2024-001234 — ligar +55 21 2345-6789 após às 14h; e-mail: ana.souza@empresa.com.br',
      'Pedido nº 2024-001234 — ligar **********6789 após às 14h; e-mail: a********@empresa.com.br',
      ['phone', 'email'],
    ],
    [
      'SSN 123-45-6789, telefone +1 (212) 555-0199',
      'SSN ***-**-6789, telefone ***********0199',
      ['ssn', 'phone'],
    ],
    [
      'Empresa 12.ABC.345/01DE-35, contato 52998224725@gmail.com',
      'Empresa **.***.***/****-35, contato 5**********@gmail.com',
      ['cnpj', 'email'],
    ],
    [
      'CPF 529.982.247-25 e CPF 529.982.247-25',
      'CPF ***.***.***-25 e CPF ***.***.***-25',
      ['cpf'],
    ],
    unchanged('Nada sensível aqui: São Paulo, 25 de março de 2024, às 10:30. Ação! «ótimo» 👍🏽'),
    unchanged(''),
  ])('%s', (input, masked, found) => {
    expect(maskSensitive(input)).toEqual({ text: masked, found });
  });

  it('masking a masked message changes nothing (a redacted message shown in a masked view)', () => {
    const messages = [
      'Meu CPF é 529.982.247-25 e o cartão 4111 1111 1111 1111',
      'Olá! Sou a Melissa (melissa@gmail.com), meu celular é (11) 91234-5678 😊',
      'IBAN DE89 3704 0044 0532 0130 00, CNPJ 12.ABC.345/01DE-35, SSN 123-45-6789, +447966197542',
    ];
    for (const message of messages) {
      const once = maskSensitive(message).text;
      expect(maskSensitive(once)).toEqual({ text: once, found: [] });
    }
  });

  it('findSensitive answers non-overlapping matches in text order', () => {
    const matches = findSensitive('4111 1111 1111 1111 / melissa@gmail.com / 529.982.247-25');
    expect(matches.map((m) => m.kind)).toEqual(['card', 'email', 'cpf']);
    for (let k = 1; k < matches.length; k++) expect(matches[k]!.start).toBeGreaterThanOrEqual(matches[k - 1]!.end);
  });

  it('the text around a match is kept byte for byte', () => {
    const around = ['«', '»', '\u00a0', '👨‍👩‍👧', 'ção', '\u0000', '\n', '\t', '"'];
    for (const before of around) {
      for (const after of around) {
        const { text } = maskSensitive(`${before} 529.982.247-25 ${after}`);
        expect(text).toBe(`${before} ***.***.***-25 ${after}`);
      }
    }
  });
});

describe('masking modes', () => {
  const message = 'Meu e-mail é melissa@gmail.com';
  it('off answers the text unchanged; mask and redact both answer the masked text', () => {
    expect(MASKING_MODES).toEqual(['off', 'mask', 'redact']);
    expect(applyMasking('off', message)).toBe(message);
    expect(applyMasking('mask', message)).toBe('Meu e-mail é m******@gmail.com');
    expect(applyMasking('redact', message)).toBe('Meu e-mail é m******@gmail.com');
  });
});

describe('adversarial input (issue 11 F2; its cost per character is in `npm run bench`, part masking)', () => {
  // Text built to make each scanner work hardest: every row is answered, and answered right. Noise that holds
  // no valid value stays byte for byte; a real value after the noise is still found and masked.
  const noise: Array<[name: string, text: string]> = [
    ['digits and spaces', '1 '.repeat(5_000)],
    ['one long number', '1'.repeat(10_000)],
    ['card groups that fail Luhn (never a phone either: a card shape)', '4111 '.repeat(2_000)],
    ['hyphens', '1-'.repeat(5_000)],
    ['dots', '1.'.repeat(5_000)],
    ['parentheses and plus', '+('.repeat(5_000)],
    ['plus and a digit', '+1 '.repeat(3_000)],
    ['area codes, never more than one per phone', '(11) '.repeat(2_000)],
    ['at signs', 'a@'.repeat(5_000)],
    ['long local part ending in a dot', 'a.'.repeat(5_000) + '@x'],
    ['long domain of one-letter labels', 'a@' + 'b.'.repeat(5_000)],
    ['alternating e-mails without a top-level domain', 'x@a.'.repeat(2_500)],
    ['digit labels', 'x@1.'.repeat(2_500)],
    ['IBAN heads of a known country (groups of 4, never 22 characters)', 'DE89 '.repeat(2_000)],
    ['IBAN heads of an unknown country (mod-97 fails at every length)', 'XX89 '.repeat(2_000)],
    ['letters and digits glued', 'AB12'.repeat(2_500)],
    ['CNPJ punctuation without check digits', '11.222.333/'.repeat(900)],
    ['words and dots', 'a.'.repeat(5_000)],
    ['mixed phone pieces', '+55 (11) 9-'.repeat(900)],
  ];
  it.each(noise)('M3: %s is left as it is', (_name, input) => {
    expect(maskSensitive(input)).toEqual({ text: input, found: [] });
  });

  it.each<[name: string, noise: string, value: string, masked: string, kind: Kind]>([
    ['IBAN', 'DE89 '.repeat(2_000), 'meu IBAN DE89 3704 0044 0532 0130 00', 'meu IBAN **** **** **** **** **30 00', 'iban'],
    ['IBAN', 'XX89 '.repeat(2_000), 'IBAN: DE89370400440532013000', 'IBAN: ******************3000', 'iban'],
    ['card', '4111 '.repeat(2_000), 'cartão 4111 1111 1111 1111', 'cartão **** **** **** 1111', 'card'],
    ['phone', '1 '.repeat(5_000), 'tel (11) 91234-5678', 'tel **********5678', 'phone'],
    ['phone', '(11) '.repeat(2_000), 'ou +55 11 91234-5678', 'ou ***********5678', 'phone'],
    ['e-mail', 'a@'.repeat(5_000), ' maria@gmail.com', ' m****@gmail.com', 'email'],
    ['CNPJ', '11.222.333/'.repeat(900), ' CNPJ 11.222.333/0001-81', ' CNPJ **.***.***/****-81', 'cnpj'],
    ['CPF', '1.'.repeat(5_000), ' CPF 529.982.247-25', ' CPF ***.***.***-25', 'cpf'],
    ['SSN', 'AB12'.repeat(2_500), ' SSN 123-45-6789', ' SSN ***-**-6789', 'ssn'],
  ])('M3: a real %s after 10,000 characters of noise is still masked', (_kind, before, value, masked, kind) => {
    expect(maskSensitive(before + value)).toEqual({ text: before + masked, found: [kind] });
  });

  it('a long message of many real values masks every one', () => {
    const line = 'CPF 529.982.247-25 cartão 4111 1111 1111 1111 tel (11) 91234-5678 melissa@gmail.com; ';
    const { text, found } = maskSensitive(line.repeat(100));
    expect(text).toBe(
      'CPF ***.***.***-25 cartão **** **** **** 1111 tel **********5678 m******@gmail.com; '.repeat(100),
    );
    expect(found).toEqual(['cpf', 'card', 'phone', 'email']);
  });
});

/**
 * @module The cost of masking sensitive data (issue 11 F2), per character, for ordinary chat text and for
 * adversarial text built to make the scanners work hardest, at 1 KiB and 64 KiB (the largest frame). In
 * process: `maskSensitive` is pure CPU, so the figure is this process's CPU time (user + system), not the
 * wall clock, which on a shared machine counts the time other processes held the core; it is the lowest
 * of several runs of at least 50 ms each. Linear means the nanoseconds per character stay roughly flat from
 * 1 KiB to 64 KiB.
 */
import { maskSensitive } from '../server/domain/masking';

export const MASKING_SIZES = [1024, 64 * 1024] as const;

/** Each input is a unit repeated to the size (cut there). The first, ordinary prose, is the baseline of the budget. */
export const MASKING_INPUTS: ReadonlyArray<{ name: string; kind: 'ordinary' | 'adversarial'; unit: string }> = [
  { name: 'prose (pt-BR, no numbers)', kind: 'ordinary', unit: 'Olá, tudo bem? Comprei um tênis na loja e ele chegou com defeito, podem me ajudar com a troca? ' },
  {
    name: 'chat with real values',
    kind: 'ordinary',
    unit: 'Pedido 2024-001234: CPF 529.982.247-25, cartão 4111 1111 1111 1111, tel (11) 91234-5678, maria@gmail.com. ',
  },
  { name: 'IBAN heads "DE89 "', kind: 'adversarial', unit: 'DE89 ' },
  { name: 'IBAN heads, unknown country "XX89 "', kind: 'adversarial', unit: 'XX89 ' },
  { name: 'card groups "4111 "', kind: 'adversarial', unit: '4111 ' },
  { name: 'digits and spaces "1 "', kind: 'adversarial', unit: '1 ' },
  { name: 'one long number "1"', kind: 'adversarial', unit: '1' },
  { name: 'hyphens "1-"', kind: 'adversarial', unit: '1-' },
  { name: 'dots "1."', kind: 'adversarial', unit: '1.' },
  { name: 'area codes "(11) "', kind: 'adversarial', unit: '(11) ' },
  { name: 'plus "+1 "', kind: 'adversarial', unit: '+1 ' },
  { name: 'CNPJ punctuation "11.222.333/"', kind: 'adversarial', unit: '11.222.333/' },
  { name: 'letters and digits "AB12"', kind: 'adversarial', unit: 'AB12' },
  { name: 'at signs "a@"', kind: 'adversarial', unit: 'a@' },
  { name: 'e-mail domains "x@1."', kind: 'adversarial', unit: 'x@1.' },
  { name: 'words and dots "a."', kind: 'adversarial', unit: 'a.' },
];

export interface MaskingRow {
  name: string;
  kind: 'ordinary' | 'adversarial';
  /** Nanoseconds per character at each size of MASKING_SIZES. */
  nsPerChar: number[];
  /** nsPerChar at 64 KiB over nsPerChar at 1 KiB: about 1 when the cost is linear. */
  growth: number;
}

export interface MaskingResult {
  rows: MaskingRow[];
  /** The highest ns/char of any input at any size. */
  worstNsPerChar: number;
  /** The highest growth from 1 KiB to 64 KiB of any input. */
  worstGrowth: number;
  /** worstNsPerChar over the ordinary prose's ns/char (its higher size): how much an attacker's text costs more. */
  worstOverProse: number;
}

/** This process's CPU time (user + system) in nanoseconds. */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** The lowest of `trials` measures of masking `text`, each at least `minNs` of CPU, in CPU ns per character. */
function nsPerChar(text: string, trials: number, minNs: number): number {
  // Warm up for a while, not one call: V8 reaches its optimising tier only after some 150 ms of calls on an
  // input that takes a new path (1 KiB of card groups: 3,465 ns/char in the first 50 ms, 843 in the third,
  // 250 from the fourth on), and the lowest of five 50 ms trials sometimes still caught the slow tiers.
  const warm = cpuNs();
  do maskSensitive(text);
  while (cpuNs() - warm < 4 * minNs);
  let best = Number.POSITIVE_INFINITY;
  for (let t = 0; t < trials; t++) {
    let runs = 0;
    const start = cpuNs();
    let spent = 0;
    do {
      maskSensitive(text);
      runs++;
      spent = cpuNs() - start;
    } while (spent < minNs);
    best = Math.min(best, spent / runs / text.length);
  }
  return best;
}

export function maskingCost(log: (line: string) => void, options = { trials: 5, minMs: 50 }): MaskingResult {
  const rows: MaskingRow[] = [];
  for (const input of MASKING_INPUTS) {
    const costs = MASKING_SIZES.map((size) => nsPerChar(input.unit.repeat(Math.ceil(size / input.unit.length)).slice(0, size), options.trials, options.minMs * 1e6));
    const growth = costs[costs.length - 1]! / costs[0]!;
    rows.push({ name: input.name, kind: input.kind, nsPerChar: costs, growth });
    log(`masking ${input.name}: ${costs.map((c) => c.toFixed(0)).join(' / ')} ns/char`);
  }
  const worstNsPerChar = Math.max(...rows.flatMap((r) => r.nsPerChar));
  const prose = Math.max(...rows[0]!.nsPerChar);
  return { rows, worstNsPerChar, worstGrowth: Math.max(...rows.map((r) => r.growth)), worstOverProse: worstNsPerChar / prose };
}

/**
 * @module Small helpers for the bench: a monotonic clock in nanoseconds, percentiles, formatting.
 */

const T0 = process.hrtime.bigint();

/** Nanoseconds since this module loaded, as a plain number (exact: stays far below 2^53). */
export function nowNs(): number {
  return Number(process.hrtime.bigint() - T0);
}

export interface LatencySummary {
  /** How many samples the figures are made of. */
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Summarises latencies given in nanoseconds; the figures are in milliseconds. */
export function summarize(samplesNs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samplesNs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const ms = (ns: number) => ns / 1e6;
  return {
    count: sorted.length,
    p50Ms: ms(percentile(sorted, 50)),
    p99Ms: ms(percentile(sorted, 99)),
    maxMs: ms(sorted.length ? sorted[sorted.length - 1]! : Number.NaN),
    meanMs: ms(sorted.length ? sum / sorted.length : Number.NaN),
  };
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 100 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`;
}

export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(2)} KiB (${bytes} B)`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} B)`;
}

export function fmtRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '-';
  return `${Math.round(perSecond).toLocaleString('en-US')} msg/s`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

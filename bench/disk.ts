/**
 * @module Context for the delivery figures: how long a 4 KiB write + fsync takes on the disk that holds the
 * server's database. With synchronous=FULL every commit waits for one, so it bounds Papo's latency from
 * below; the raw `ws` echo never touches the disk.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowNs, summarize, type LatencySummary } from './stats';

export function fsyncLatency(samples = 300): LatencySummary & { dir: string } {
  const base = process.env.BENCH_DB_DIR ?? tmpdir();
  const dir = mkdtempSync(join(base, 'papo-bench-fsync-'));
  try {
    const fd = openSync(join(dir, 'probe'), 'w');
    const block = Buffer.alloc(4096, 0x61);
    const times: number[] = [];
    try {
      for (let i = 0; i < samples; i++) {
        const t = nowNs();
        writeSync(fd, block);
        fsyncSync(fd);
        times.push(nowNs() - t);
      }
    } finally {
      closeSync(fd);
    }
    return { dir: base, ...summarize(times) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * @module The operator's endpoints beside `/healthz` (issue 14), outside the API's route table (which is
 * /api/v1's): `/readyz` for a load balancer's draining, `/metrics` for Prometheus.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Metrics } from '../services/metrics';
import type { Readiness } from '../services/readiness';

export interface OpsDeps {
  readiness: Pick<Readiness, 'check'>;
  metrics: Pick<Metrics, 'text' | 'contentType'>;
  /** METRICS_TOKEN: when set, /metrics wants `Authorization: Bearer <it>`. */
  metricsToken: string | null;
}

/** Compared as hashes so neither the length nor the first differing byte leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function createOps({ readiness, metrics, metricsToken }: OpsDeps): Hono {
  const ops = new Hono();

  // 200 only when the store (and Redis) answered within a second; 503 with what failed otherwise. Never
  // cached: a load balancer polls it to take the node out and put it back.
  ops.get('/readyz', async (c) => {
    const answer = await readiness.check();
    c.header('Cache-Control', 'no-store');
    return c.json(answer, answer.ready ? 200 : 503);
  });

  // Open like /healthz unless METRICS_TOKEN is set (README: "Run several nodes"); counts only, no ids.
  ops.get('/metrics', async (c) => {
    if (metricsToken !== null) {
      const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      if (!sameToken(given, metricsToken)) {
        // Plain text, as Prometheus endpoints answer: this is no API route with the API's error table.
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return c.text('Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.\n', 401);
      }
    }
    c.header('Cache-Control', 'no-store');
    return c.body(await metrics.text(), 200, { 'Content-Type': metrics.contentType });
  });

  return ops;
}

/**
 * @module Reading a node's /metrics (Prometheus text format) in the cluster tests: which node leads routing,
 * and a gauge's value by its labels. Pure, so its table test runs without a cluster.
 */

/**
 * Whether a node's /metrics says it leads routing: `papo_leader{lease="<routing lease>",node="..."} 1` (the
 * lease's exact name is the router's; any lease named for routing counts).
 */
export function isLeader(metrics: string | null): boolean {
  if (!metrics) return false;
  return metrics.split('\n').some((line) => {
    const m = /^papo_leader(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || Number(m[2]) !== 1) return false;
    const lease = /lease="([^"]*)"/.exec(m[1] ?? '')?.[1];
    return lease === undefined || /rout/i.test(lease);
  });
}

/** A gauge's value in /metrics text: the sample of `name` whose labels include every one of `labels`. */
export function gauge(metrics: string | null, name: string, labels: Record<string, string> = {}): number | null {
  if (!metrics) return null;
  for (const line of metrics.split('\n')) {
    const m = new RegExp(`^${name}(?:\\{([^}]*)\\})?\\s+(\\S+)`).exec(line);
    if (!m) continue;
    if (Object.entries(labels).every(([k, v]) => (m[1] ?? '').includes(`${k}="${v}"`))) return Number(m[2]);
  }
  return null;
}

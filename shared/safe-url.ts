/**
 * @module URLs from visitors (page, referrer) are shown to agents: only http(s) ones may become links or be
 * kept at all (issue 6). `javascript:`, `data:` and the rest are never a link.
 */

/** The URL when it is a well-formed http or https one, else null. @example webUrl('javascript:alert(1)') // null */
export function webUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

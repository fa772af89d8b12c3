/**
 * @module Canned-reply placeholders: `{{visitor.name}}`, `{{agent.name}}` (and a few more) filled in before
 * the text reaches the composer, where the agent can still edit it. Pure.
 */

export interface PlaceholderValues {
  visitor: { name: string | null; email: string | null };
  agent: { name: string };
}

/** The placeholders a canned reply may use, for the admin help text and the picker. */
export const PLACEHOLDERS = ['visitor.name', 'visitor.email', 'agent.name', 'agent.firstName'] as const;

function valueOf(key: string, v: PlaceholderValues): string | null | undefined {
  switch (key) {
    case 'visitor.name':
      return v.visitor.name;
    case 'visitor.email':
      return v.visitor.email;
    case 'agent.name':
      return v.agent.name;
    case 'agent.firstName':
      return v.agent.name.trim().split(/\s+/)[0] ?? v.agent.name;
    default:
      return undefined;
  }
}

const PATTERN = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;

/**
 * Replaces known placeholders. An unknown one stays as written, so the agent sees it and edits it. A known
 * one without a value (an anonymous visitor's name) disappears with one space next to it, so
 * "Olá {{visitor.name}}, tudo bem?" becomes "Olá, tudo bem?" rather than "Olá , tudo bem?".
 *
 * @example fillPlaceholders('Olá {{visitor.name}}!', { visitor: { name: 'Bia', email: null }, agent: { name: 'Ana' } }) // 'Olá Bia!'
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PATTERN)) {
    const start = m.index;
    const end = start + m[0].length;
    const value = valueOf(m[1]!, values);
    if (value === undefined) continue; // unknown: left in place
    out += text.slice(last, start);
    last = end;
    const trimmed = value?.trim() ?? '';
    if (trimmed !== '') {
      out += trimmed;
      continue;
    }
    // Empty: drop one space before it, or else one after it.
    if (out.endsWith(' ')) out = out.slice(0, -1);
    else if (text[end] === ' ') last = end + 1;
  }
  return out + text.slice(last);
}

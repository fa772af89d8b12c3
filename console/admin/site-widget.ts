/**
 * @module The widget editor's form (SPEC W4-W6), pure: a site's stored widget settings to the fields an
 * admin edits (text as typed, the upload limit in MB) and back, with the problems that keep it from saving.
 */
import type { SiteWidget } from '../../shared/api';

export type FieldMode = SiteWidget['prechat']['name'];

export interface WidgetForm {
  color: string;
  position: SiteWidget['position'];
  launcherText: string;
  greeting: string;
  agentDisplay: SiteWidget['agentDisplay'];
  /** '' : from the page or the browser. */
  locale: '' | NonNullable<SiteWidget['locale']>;
  prechatEnabled: boolean;
  prechatName: FieldMode;
  prechatEmail: FieldMode;
  prechatQueues: string[];
  consent: string;
  uploadsEnabled: boolean;
  /** Megabytes as typed, e.g. "10" or "2,5". */
  maxMb: string;
  strictIdentity: boolean;
}

export type WidgetProblem = 'color' | 'launcherText' | 'greeting' | 'consent' | 'maxMb';

/** Limits of the protocol's WidgetSettings (shared/protocol.ts). */
export const LIMITS = { launcherText: 40, greeting: 300, consent: 500, minBytes: 1024, maxBytes: 50 * 1024 * 1024 } as const;
const MB = 1024 * 1024;

export function toForm(w: SiteWidget): WidgetForm {
  return {
    color: w.color.toLowerCase(),
    position: w.position,
    launcherText: w.launcherText ?? '',
    greeting: w.greeting ?? '',
    agentDisplay: w.agentDisplay,
    locale: w.locale ?? '',
    prechatEnabled: w.prechat.enabled,
    prechatName: w.prechat.name,
    prechatEmail: w.prechat.email,
    prechatQueues: [...w.prechat.queues],
    consent: w.prechat.consent ?? '',
    uploadsEnabled: w.uploads.enabled,
    maxMb: formatMb(w.uploads.maxBytes),
    strictIdentity: w.strictIdentity,
  };
}

/** 10485760 -> "10"; 2621440 -> "2.5" (two decimals; limits under 0.01 MB keep three significant digits). */
export function formatMb(bytes: number): string {
  const mb = bytes / MB;
  return String(mb >= 0.01 ? Math.round(mb * 100) / 100 : Number(mb.toPrecision(3)));
}

/**
 * The settings to PUT, or the fields that are wrong. Blank texts are null (the widget's own wording); the
 * upload limit takes a comma or a point and must lie between 1 KB and 50 MB.
 *
 * @example fromForm({ ...toForm(DEFAULT_WIDGET), color: 'red' }) // { ok: false, problems: ['color'] }
 */
export function fromForm(f: WidgetForm, siteQueueIds: readonly string[]): { ok: true; value: SiteWidget } | { ok: false; problems: WidgetProblem[] } {
  const problems: WidgetProblem[] = [];
  const color = f.color.trim();
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) problems.push('color');
  const launcherText = f.launcherText.trim();
  if (launcherText.length > LIMITS.launcherText) problems.push('launcherText');
  const greeting = f.greeting.trim();
  if (greeting.length > LIMITS.greeting) problems.push('greeting');
  const consent = f.consent.trim();
  if (consent.length > LIMITS.consent) problems.push('consent');
  const mb = Number(f.maxMb.trim().replace(',', '.'));
  const maxBytes = Math.round(mb * MB);
  if (f.maxMb.trim() === '' || !Number.isFinite(mb) || maxBytes < LIMITS.minBytes || maxBytes > LIMITS.maxBytes) problems.push('maxMb');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      color: color.toLowerCase(),
      position: f.position,
      launcherText: launcherText || null,
      greeting: greeting || null,
      agentDisplay: f.agentDisplay,
      locale: f.locale || null,
      prechat: {
        enabled: f.prechatEnabled,
        name: f.prechatName,
        email: f.prechatEmail,
        // A queue deleted since the form was loaded is dropped rather than refused by the server.
        queues: f.prechatQueues.filter((id) => siteQueueIds.includes(id)),
        consent: consent || null,
      },
      uploads: { enabled: f.uploadsEnabled, maxBytes },
      strictIdentity: f.strictIdentity,
    },
  };
}

/**
 * @module The only pre-chat code in the app chunk (SPEC W5): when the form must show, and the part that
 * loads the form's chunk (PrechatForm.tsx) and sends what it answers. Kept small for the widget's budget.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PrechatAnswers, SiteStatus } from '../../../shared/protocol';
import type { Locale } from '../../contract';
import type { OutboxItem } from '../outbox';

type Chunk = typeof import('./PrechatForm');

interface PrechatView {
  site: SiteStatus | null;
  conversationId: string | null;
  status: string | null;
  outbox: readonly OutboxItem[];
  /** The identified user from the welcome (SPEC W6); identified visitors skip the form. */
  identity?: unknown;
}

/**
 * SPEC W5: the site turned the form on, the visitor is not identified, has no open conversation and no
 * message on its way (the one the form sent, until its conversation is open). "New conversation" brings
 * it back. A submission the server refused brings it back too, with the refusal.
 */
export function needsPrechat(view: PrechatView): boolean {
  return !!view.site?.widget?.prechat.enabled && !view.identity && !(view.conversationId && view.status === 'open') && !view.outbox.some((o) => !o.failed);
}

/** What the form needs of the visitor's session. */
export interface PrechatHost {
  readonly view: PrechatView;
  send(text: string, extra: { prechat: PrechatAnswers }): void;
  discard(clientId: string): void;
}

/** The form, once its chunk is here (a moment after it is needed; nothing shows meanwhile). */
export function Prechat({ session, locale }: { session: PrechatHost; locale: Locale }) {
  const [chunk, set] = useState<Chunk | null>(null);
  useEffect(() => void import('./PrechatForm').then((c) => set(() => c)), []);
  const view = session.view;
  const settings = view.site?.widget?.prechat;
  if (!chunk || !settings) return null;
  const refused = view.outbox.find((o) => o.prechat && o.failed);
  return (
    <chunk.PrechatForm
      settings={settings}
      locale={locale}
      refused={refused ? { clientId: refused.clientId, code: refused.failed!, text: refused.text, prechat: refused.prechat } : null}
      onSubmit={(text, answers) => {
        if (refused) session.discard(refused.clientId); // the new submission takes its place
        session.send(text, { prechat: answers });
      }}
    />
  );
}

/**
 * @module The only pre-chat code in the app chunk (SPEC W5): when the form must show, and the part that
 * loads the form's chunk (PrechatForm.tsx), which reads and sends through the session itself. Kept small:
 * the widget's 25 KB budget counts this file, not the chunk.
 */
import { messageProblem } from '../../../shared/limits';
import type { PrechatAnswers, SiteStatus } from '../../../shared/protocol';
import type { Locale } from '../../contract';
import { useChunk } from '../files/lazy';
import type { OutboxItem } from '../session/outbox';

export interface PrechatView {
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

const load = () => import('./PrechatForm');

/** The form, once its chunk is here (a moment after it is needed; nothing shows meanwhile). */
export function Prechat(props: { session: PrechatHost; locale: Locale }) {
  const chunk = useChunk(1, load);
  return chunk && <chunk.Prechat {...props} messageRule={messageProblem} />;
}

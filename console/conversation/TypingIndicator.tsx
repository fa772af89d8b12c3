/**
 * @module "The visitor is typing…" under the conversation (SPEC W1), in a polite live region that is always
 * in the page, so screen readers announce the text when it appears.
 */
import { t } from '../i18n/i18n';

/** Issue 15: says who ("Maria is typing…"), the visitor's name or its generated one. */
export function TypingIndicator({ typing, name }: { typing: boolean; name: string }) {
  return (
    <p class="typing-indicator" aria-live="polite" aria-atomic="true">
      {typing && (
        <>
          <span class="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>{' '}
          {t.visitorIsTyping(name)}
        </>
      )}
    </p>
  );
}

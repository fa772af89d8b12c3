/**
 * @module The console's composer: the shared Composer's rules (Enter sends, Shift+Enter new line, counter,
 * send off while blank or too long) with a controlled text, so a canned reply can be put in to edit before
 * sending, and a Note toggle for private notes only agents see (SPEC R9).
 */
import { useRef, useState } from 'preact/hooks';
import { countChars, MAX_MESSAGE_CHARS, messageProblem } from '../shared/limits';
import { CannedPicker } from './CannedPicker';
import { t } from './i18n';
import type { PlaceholderValues } from './placeholders';

export interface ReplyComposerProps {
  /** The draft survives switching conversations: the caller keeps it. */
  draft: string;
  onDraft: (text: string) => void;
  onSend: (text: string, note: boolean) => void;
  /** May send replies (else only notes, e.g. a supervisor watching). */
  canReply: boolean;
  /** Filling canned-reply placeholders. */
  placeholders: PlaceholderValues;
}

export function ReplyComposer({ draft, onDraft, onSend, canReply, placeholders }: ReplyComposerProps) {
  const [noteMode, setNoteMode] = useState(!canReply);
  const input = useRef<HTMLTextAreaElement>(null);
  const note = noteMode || !canReply;
  const count = countChars(draft);
  const problem = messageProblem(draft);

  const submit = () => {
    if (problem) return;
    onSend(draft, note);
    onDraft('');
    input.current?.focus();
  };

  /** Puts a canned reply at the cursor (replacing a selection), then hands the focus back to edit it. */
  const insert = (text: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? draft.length;
    const end = el?.selectionEnd ?? draft.length;
    const next = draft.slice(0, start) + text + draft.slice(end);
    onDraft(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  };

  return (
    <form
      class={`composer${note ? ' note-mode' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div class="composer-tools">
        <button
          type="button"
          class={`toggle${note ? ' on' : ''}`}
          aria-pressed={note}
          disabled={!canReply}
          onClick={() => setNoteMode(!noteMode)}
          title={t.noteHint}
        >
          {t.noteToggle}
        </button>
        <CannedPicker placeholders={placeholders} onInsert={insert} />
        {note && <span class="note-hint">{t.onlyAgents}</span>}
      </div>
      <label class="sr-only" for="reply">
        {note ? t.noteLabel : t.replyLabel}
      </label>
      <textarea
        id="reply"
        ref={input}
        rows={2}
        value={draft}
        placeholder={note ? t.notePlaceholder : t.replyPlaceholder}
        aria-describedby="reply-count"
        aria-invalid={problem === 'message_too_long'}
        onInput={(e) => onDraft(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Enter sends; Shift+Enter (and Enter while an IME is composing) inserts a new line.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <div class="composer-foot">
        <span id="reply-count" class={count > MAX_MESSAGE_CHARS ? 'counter over' : 'counter'}>
          {count}/{MAX_MESSAGE_CHARS}
          <span class="sr-only"> {t.characters}</span>
        </span>
        <button type="submit" class="send" disabled={problem !== null}>
          {note ? t.addNote : t.send}
        </button>
      </div>
    </form>
  );
}

/**
 * @module The message composer of the widget and the console: Enter sends, Shift+Enter is a new line, a
 * visible counter against MAX_MESSAGE_CHARS, and send stays off while the text is blank or too long.
 * Styling comes from the caller's stylesheet through the class names below.
 */
import { useRef, useState } from 'preact/hooks';
import { countChars, MAX_MESSAGE_CHARS, messageProblem } from '../limits';

export interface ComposerProps {
  onSend: (text: string) => void;
  label: string;
  placeholder: string;
  sendLabel: string;
  /** Read by screen readers next to the counter, e.g. "characters". */
  counterLabel: string;
  disabled?: boolean;
  inputRef?: { current: HTMLTextAreaElement | null };
  id?: string;
}

export function Composer({ onSend, label, placeholder, sendLabel, counterLabel, disabled, inputRef, id = 'papo-compose' }: ComposerProps) {
  const [text, setText] = useState('');
  const localRef = useRef<HTMLTextAreaElement | null>(null);
  const ref = inputRef ?? localRef;
  const count = countChars(text);
  const problem = messageProblem(text);

  const submit = () => {
    if (problem || disabled) return;
    onSend(text);
    setText('');
    ref.current?.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label class="sr-only" for={id}>
        {label}
      </label>
      <textarea
        id={id}
        ref={ref}
        rows={1}
        value={text}
        placeholder={placeholder}
        aria-describedby={`${id}-count`}
        aria-invalid={problem === 'message_too_long'}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Enter sends; Shift+Enter (and Enter while an IME is composing) inserts a new line.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <div class="composer-foot">
        <span id={`${id}-count`} class={count > MAX_MESSAGE_CHARS ? 'counter over' : 'counter'}>
          {count}/{MAX_MESSAGE_CHARS}
          <span class="sr-only"> {counterLabel}</span>
        </span>
        <button type="submit" class="send" disabled={problem !== null || disabled}>
          {sendLabel}
        </button>
      </div>
    </form>
  );
}

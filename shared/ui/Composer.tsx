/**
 * @module The message composer of the widget and the console: Enter sends, Shift+Enter is a new line, a
 * visible counter against MAX_MESSAGE_CHARS, and send stays off while the text is blank or too long.
 * `Composer` keeps its own text (the widget); `ComposerField` is its inside, for a composer whose text the
 * caller holds (the console's ReplyComposer).
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
      <ComposerField
        id={id}
        inputRef={ref}
        rows={1}
        value={text}
        onInput={setText}
        onEnter={submit}
        label={label}
        placeholder={placeholder}
        sendLabel={sendLabel}
        counterLabel={counterLabel}
        disabled={disabled}
      />
    </form>
  );
}

export interface ComposerFieldProps {
  /** The textarea's id; the counter's is `${id}-count`. */
  id: string;
  inputRef: { current: HTMLTextAreaElement | null };
  rows: number;
  value: string;
  onInput: (text: string) => void;
  /** Enter without Shift (and not while an IME is composing). */
  onEnter: () => void;
  label: string;
  placeholder: string;
  sendLabel: string;
  counterLabel: string;
  /** Send is off besides while the text is blank or too long. */
  disabled?: boolean | undefined;
}

/**
 * The inside of a composer form, for the widget's Composer and the console's ReplyComposer: the labelled
 * textarea, the counter and the submit button. The form around it, and what it sends, are the caller's.
 *
 * @example <form onSubmit={send}><ComposerField id="reply" inputRef={ref} rows={2} value={draft} onInput={setDraft} onEnter={send} … /></form>
 */
export function ComposerField(props: ComposerFieldProps) {
  const { id, inputRef, rows, value, onInput, onEnter, label, placeholder, sendLabel, counterLabel, disabled } = props;
  const count = countChars(value);
  const problem = messageProblem(value);
  return (
    <>
      <label class="sr-only" for={id}>
        {label}
      </label>
      <textarea
        id={id}
        ref={inputRef}
        rows={rows}
        value={value}
        placeholder={placeholder}
        aria-describedby={`${id}-count`}
        aria-invalid={problem === 'message_too_long'}
        onInput={(e) => onInput(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Enter sends; Shift+Enter (and Enter while an IME is composing) inserts a new line.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            onEnter();
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
    </>
  );
}

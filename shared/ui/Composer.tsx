/**
 * @module The message composer of the widget and the console: Enter sends, Shift+Enter is a new line, a
 * visible counter against MAX_MESSAGE_CHARS, and send stays off while the text is blank or too long.
 * `Composer` keeps its own text (the widget); `ComposerField` is its inside, for a composer whose text the
 * caller holds (the console's ReplyComposer).
 * Styling comes from the caller's stylesheet through the class names below.
 *
 * Files (SPEC W3): with `onFiles` the composer has an attach button (paperclip, `attachLabel` for screen
 * readers) and files pasted into the text go to `onFiles` too; `fileDropHandlers` lets a container take
 * dropped files. Without `onFiles` nothing of this is there.
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
  /** SPEC W3: files chosen with the attach button or pasted; the button is there only with this. */
  onFiles?: (files: File[]) => void;
  /** The attach button's accessible name, e.g. "Attach a file". */
  attachLabel?: string;
  /** The file picker's `accept` list (a hint only: the server decides by the bytes). */
  accept?: string;
  /** Send also with no text (files are waiting to go); a too-long text still blocks it. */
  allowEmpty?: boolean;
}

export function Composer(props: ComposerProps) {
  const { onSend, label, placeholder, sendLabel, counterLabel, disabled, inputRef, id = 'papo-compose', onFiles, attachLabel, accept, allowEmpty } = props;
  const [text, setText] = useState('');
  const localRef = useRef<HTMLTextAreaElement | null>(null);
  const ref = inputRef ?? localRef;
  const problem = sendProblem(text, allowEmpty);

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
        onFiles={onFiles}
        attachLabel={attachLabel}
        accept={accept}
        allowEmpty={allowEmpty}
      />
    </form>
  );
}

/** What keeps a text from being sent: blank is fine when files go with it (SPEC W3). */
function sendProblem(text: string, allowEmpty: boolean | undefined) {
  const problem = messageProblem(text);
  return allowEmpty && problem === 'message_empty' ? null : problem;
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
  /** SPEC W3: files from the attach button or pasted into the text; no button without it. */
  onFiles?: ((files: File[]) => void) | undefined;
  attachLabel?: string | undefined;
  accept?: string | undefined;
  /** Send is on with a blank text (files wait to go). */
  allowEmpty?: boolean | undefined;
}

/**
 * The inside of a composer form, for the widget's Composer and the console's ReplyComposer: the labelled
 * textarea, the counter and the submit button. The form around it, and what it sends, are the caller's.
 *
 * @example <form onSubmit={send}><ComposerField id="reply" inputRef={ref} rows={2} value={draft} onInput={setDraft} onEnter={send} … /></form>
 */
export function ComposerField(props: ComposerFieldProps) {
  const { id, inputRef, rows, value, onInput, onEnter, label, placeholder, sendLabel, counterLabel, disabled, onFiles, attachLabel, accept, allowEmpty } = props;
  const count = countChars(value);
  const problem = sendProblem(value, allowEmpty);
  const picker = useRef<HTMLInputElement>(null);
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
        onPaste={
          onFiles &&
          ((e) => {
            // A pasted screenshot or copied file goes as a file; pasted text stays text.
            const files = filesOf(e.clipboardData);
            if (files.length === 0) return;
            e.preventDefault();
            onFiles(files);
          })
        }
        onKeyDown={(e) => {
          // Enter sends; Shift+Enter (and Enter while an IME is composing) inserts a new line.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            onEnter();
          }
        }}
      />
      <div class="composer-foot">
        {onFiles && (
          <>
            <button type="button" class="attach" aria-label={attachLabel} title={attachLabel} onClick={() => picker.current?.click()}>
              <PaperclipIcon />
            </button>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              tabIndex={-1}
              aria-hidden="true"
              {...(accept ? { accept } : {})}
              onChange={(e) => {
                const files = filesOf(e.currentTarget);
                // Cleared, so choosing the same file again is a change too.
                e.currentTarget.value = '';
                if (files.length > 0) onFiles(files);
              }}
            />
          </>
        )}
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

function PaperclipIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
        d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48"
      />
    </svg>
  );
}

/** The files of a paste, a drop or a file input (none when it carries only text). */
export function filesOf(source: { files?: ArrayLike<File> | null } | null | undefined): File[] {
  return source?.files ? Array.from(source.files) : [];
}

/** Whether a drag carries files (not text or a link being dragged about). */
function dragsFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Props that make a container take dropped files (SPEC W3), e.g. the conversation pane around a composer.
 * `onActive(true)` while files are dragged over it (to show a drop hint), `false` when they leave or drop.
 * Make it once per container (useMemo): it counts enter and leave across renders.
 *
 * @example const drop = useMemo(() => fileDropHandlers(upload, setDropping), []); <section {...drop}>…</section>
 */
export function fileDropHandlers(onFiles: (files: File[]) => void, onActive?: (active: boolean) => void) {
  // dragenter/dragleave fire for every child crossed: count them, so leaving a child is not leaving.
  let depth = 0;
  return {
    onDragEnter(e: DragEvent) {
      if (!dragsFiles(e)) return;
      e.preventDefault();
      if (depth++ === 0) onActive?.(true);
    },
    onDragOver(e: DragEvent) {
      if (!dragsFiles(e)) return;
      // Without this the browser opens the file in place of the page.
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave(e: DragEvent) {
      if (!dragsFiles(e)) return;
      if (--depth <= 0) {
        depth = 0;
        onActive?.(false);
      }
    },
    onDrop(e: DragEvent) {
      if (!dragsFiles(e)) return;
      e.preventDefault();
      depth = 0;
      onActive?.(false);
      const files = filesOf(e.dataTransfer);
      if (files.length > 0) onFiles(files);
    },
  };
}

/**
 * @module The console's composer: the shared ComposerField (Enter sends, Shift+Enter new line, counter,
 * send off while blank or too long) with a text the caller holds, so a canned reply can be put in to edit
 * before sending, and a Note toggle for private notes only agents see (SPEC R9).
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { messageProblem } from '../../shared/limits';
import type { Attachment } from '../../shared/protocol';
import { ComposerField, fileDropHandlers } from '../../shared/ui/Composer';
import { UploadList, useUploads } from './AttachmentsUpload';
import { CannedPicker } from './CannedPicker';
import { opensPicker } from './canned-search';
import { t } from '../i18n/i18n';
import type { PlaceholderValues } from './placeholders';

export interface ReplyComposerProps {
  /** The draft survives switching conversations: the caller keeps it. */
  draft: string;
  onDraft: (text: string) => void;
  /** SPEC W3: `attachments` are the files uploaded for this reply (empty when none). */
  onSend: (text: string, note: boolean, attachments: Attachment[]) => void;
  /** Where attached files are uploaded (SPEC W3). */
  conversationId: string;
  /** May send replies (else only notes, e.g. a supervisor watching). */
  canReply: boolean;
  /** Filling canned-reply placeholders. */
  placeholders: PlaceholderValues;
  /** SPEC W1: the reply draft holds text (true) or was sent, emptied or turned into a note (false). */
  onTyping?: (on: boolean) => void;
  /** Issue 15: the visitor's language, which canned replies open on (null: all languages). */
  cannedLanguage?: string | null;
  /** Issue 15: the agent may create canned replies (the picker's empty state links there). */
  canManageCanned?: boolean;
}

export function ReplyComposer({ draft, onDraft, onSend, canReply, placeholders, onTyping, conversationId, cannedLanguage = null, canManageCanned = false }: ReplyComposerProps) {
  const [noteMode, setNoteMode] = useState(!canReply);
  const [canned, setCanned] = useState<false | 'button' | 'slash'>(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const note = noteMode || !canReply;
  const uploads = useUploads(conversationId);
  const [dropping, setDropping] = useState(false);
  const addFiles = useRef(uploads.add);
  addFiles.current = uploads.add;
  const drop = useMemo(() => fileDropHandlers((files) => addFiles.current(files), setDropping), []);
  // SPEC W3: files may go without text; never while one is still uploading.
  const problem = uploads.busy ? 'uploading' : uploads.ready.length > 0 && draft.trim() === '' ? null : messageProblem(draft);

  const submit = () => {
    if (problem) return;
    onSend(draft, note, uploads.ready);
    uploads.clear();
    onTyping?.(false);
    onDraft('');
    input.current?.focus();
  };

  /** Puts a canned reply at the cursor (replacing a selection), then hands the focus back to edit it. */
  /** Private notes are never typing the visitor could see (SPEC W1). */
  const edit = (text: string, typed = true) => {
    // Issue 15: "/" typed into an empty reply opens the canned replies, whose search takes what follows.
    if (typed && opensPicker(draft, text)) {
      if (input.current) input.current.value = ''; // the draft stays empty: no re-render would clear the slash
      setCanned('slash');
      return;
    }
    onDraft(text);
    onTyping?.(!note && text.trim() !== '');
  };

  const insert = (text: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? draft.length;
    const end = el?.selectionEnd ?? draft.length;
    const next = draft.slice(0, start) + text + draft.slice(end);
    edit(next, false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  };

  return (
    <form
      class={`composer${note ? ' note-mode' : ''}${dropping ? ' dropping' : ''}`}
      {...drop}
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
          onClick={() => {
            if (!noteMode) onTyping?.(false);
            setNoteMode(!noteMode);
          }}
          title={t.noteHint}
        >
          {t.noteToggle}
        </button>
        <CannedPicker
          placeholders={placeholders}
          language={cannedLanguage}
          canManage={canManageCanned}
          open={canned}
          onOpen={() => setCanned('button')}
          onInsert={(text) => {
            setCanned(false);
            insert(text);
          }}
          onDismiss={(typed) => {
            const via = canned;
            setCanned(false);
            // Dismissed after a "/": the slash and what followed were meant as text.
            if (via === 'slash') insert(`/${typed}`);
          }}
        />
        {note && <span class="note-hint">{t.onlyAgents}</span>}
      </div>
      {dropping && <p class="drop-hint">{t.dropFiles}</p>}
      <UploadList items={uploads.items} onRemove={uploads.remove} />
      {uploads.busy && <span class="sr-only">{t.waitUploads}</span>}
      <ComposerField
        id="reply"
        inputRef={input}
        rows={2}
        value={draft}
        onInput={(text) => edit(text)}
        onEnter={submit}
        label={note ? t.noteLabel : t.replyLabel}
        placeholder={note ? t.notePlaceholder : t.replyPlaceholder}
        sendLabel={note ? t.addNote : t.send}
        counterLabel={t.characters}
        onFiles={uploads.add}
        attachLabel={t.attachFile}
        allowEmpty={uploads.ready.length > 0}
        disabled={uploads.busy}
      />
    </form>
  );
}

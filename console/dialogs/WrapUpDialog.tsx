/**
 * @module End with a wrap-up reason (Webex "Motivos de conclusão"): a searchable list from
 * GET /wrap-up-reasons; closing needs one (SPEC R8).
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import { api, type WrapUpReason } from '../session/api';
import { ErrorLine } from '../ui/ErrorLine';
import { FormDialog } from './FormDialog';
import { t } from '../i18n/i18n';
import { useAction } from '../ui/use-action';

export function WrapUpDialog({
  conversation,
  onApplied,
  onClose,
  resolve = false,
}: {
  conversation: ConversationSummary;
  onApplied: (s: ConversationSummary) => void;
  onClose: () => void;
  /** Issue 15 (SPEC R8a): Resolve: close with the reason and archive, in one write. */
  resolve?: boolean;
}) {
  const [reasons, setReasons] = useState<WrapUpReason[] | null>(null);
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const load = useAction();

  useEffect(() => {
    void load.run(() => api.wrapUpReasons()).then((list) => list && setReasons(list));
  }, []);

  const shown = (reasons ?? []).filter((r) => r.label.toLocaleLowerCase().includes(q.trim().toLocaleLowerCase()));
  return (
    <FormDialog
      title={resolve ? t.cv.resolveTitle : t.wrapUpTitle}
      class="wrap-up"
      submitLabel={resolve ? t.cv.submitResolve : t.submitWrapUp}
      save={chosen ? () => (resolve ? api.resolve(conversation.id, chosen) : api.close(conversation.id, chosen)) : null}
      onApplied={onApplied}
      onClose={onClose}
    >
      {resolve && <p class="hint">{t.cv.resolveText}</p>}
      <label>
        <span class="sr-only">{t.search}</span>
        <input type="search" placeholder={t.searchReasons} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      </label>
      <ErrorLine error={load.error} />
      <fieldset class="reasons">
        <legend class="sr-only">{t.wrapUpReason}</legend>
        {reasons === null ? (
          <p class="none">{t.loading}</p>
        ) : shown.length === 0 ? (
          <p class="none">{reasons.length === 0 ? t.noReasons : t.noneMatch}</p>
        ) : (
          shown.map((r) => (
            <label key={r.id} class="radio">
              <input type="radio" name="reason" value={r.id} checked={chosen === r.id} onChange={() => setChosen(r.id)} />
              {r.label}
            </label>
          ))
        )}
      </fieldset>
    </FormDialog>
  );
}

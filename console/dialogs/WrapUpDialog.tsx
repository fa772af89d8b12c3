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

export function WrapUpDialog({ conversation, onApplied, onClose }: { conversation: ConversationSummary; onApplied: (s: ConversationSummary) => void; onClose: () => void }) {
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
      title={t.wrapUpTitle}
      class="wrap-up"
      submitLabel={t.submitWrapUp}
      save={chosen ? () => api.close(conversation.id, chosen) : null}
      onApplied={onApplied}
      onClose={onClose}
    >
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

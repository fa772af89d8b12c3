/** @module Labels on a conversation: chips to remove, a field to add (Enter or comma), saved together. */
import { useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import { api } from '../session/api';
import { FormDialog } from './FormDialog';
import { t } from '../i18n/i18n';

const MAX_LABELS = 20;
const MAX_LABEL_CHARS = 40;

/** Adds labels typed as "a, b" to a list: trimmed, lower case, no repeats, within the server's limits. */
export function addLabels(labels: readonly string[], typed: string): string[] {
  const out = [...labels];
  for (const raw of typed.split(',')) {
    const label = raw.trim().toLowerCase().slice(0, MAX_LABEL_CHARS);
    if (label !== '' && !out.includes(label) && out.length < MAX_LABELS) out.push(label);
  }
  return out;
}

export function LabelsDialog({ conversation, onApplied, onClose }: { conversation: ConversationSummary; onApplied: (s: ConversationSummary) => void; onClose: () => void }) {
  const [labels, setLabels] = useState(conversation.labels);
  const [typed, setTyped] = useState('');
  return (
    <FormDialog
      title={t.labelsTitle}
      submitLabel={t.save}
      save={() => api.setLabels(conversation.id, addLabels(labels, typed))}
      onApplied={onApplied}
      onClose={onClose}
    >
      <ul class="chips" aria-label={t.labels}>
        {labels.length === 0 && <li class="none">{t.noLabels}</li>}
        {labels.map((l) => (
          <li key={l}>
            <span class="label-chip">
              {l}
              <button type="button" class="icon" aria-label={t.removeLabel(l)} onClick={() => setLabels(labels.filter((x) => x !== l))}>
                ×
              </button>
            </span>
          </li>
        ))}
      </ul>
      <label>
        {t.addLabel}
        <input
          type="text"
          value={typed}
          placeholder={t.labelPlaceholder}
          onInput={(e) => setTyped(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && typed.trim() !== '') {
              e.preventDefault();
              setLabels(addLabels(labels, typed));
              setTyped('');
            }
          }}
        />
      </label>
    </FormDialog>
  );
}

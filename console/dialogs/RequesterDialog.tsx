/** @module Edit the requester's name and e-mail (Acelerato "Editar dados do Solicitante"). */
import { useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import { api } from '../session/api';
import { FormDialog } from './FormDialog';
import { t } from '../i18n/i18n';

export function RequesterDialog({ conversation, onApplied, onClose }: { conversation: ConversationSummary; onApplied: (s: ConversationSummary) => void; onClose: () => void }) {
  const [name, setName] = useState(conversation.visitorName ?? '');
  const [email, setEmail] = useState(conversation.requesterEmail ?? '');
  return (
    <FormDialog
      title={t.requesterTitle}
      bodyClass="fields"
      submitLabel={t.save}
      save={() => api.setRequester(conversation.id, { name: name.trim() || null, email: email.trim() || null })}
      onApplied={onApplied}
      onClose={onClose}
    >
      <label>
        {t.name}
        <input type="text" maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
      </label>
      <label>
        {t.email}
        <input type="email" maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoComplete="off" />
      </label>
    </FormDialog>
  );
}

/** @module Edit the requester's name and e-mail (Acelerato "Editar dados do Solicitante"). */
import { useState } from 'preact/hooks';
import type { ConversationSummary } from '../shared/protocol';
import { api } from './api';
import { Dialog } from './Dialog';
import { ErrorLine } from './ErrorLine';
import { t } from './i18n';
import { useAction } from './use-action';

export function RequesterDialog({ conversation, onApplied, onClose }: { conversation: ConversationSummary; onApplied: (s: ConversationSummary) => void; onClose: () => void }) {
  const [name, setName] = useState(conversation.visitorName ?? '');
  const [email, setEmail] = useState(conversation.requesterEmail ?? '');
  const save = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { name: name.trim() || null, email: email.trim() || null };
    const summary = await save.run(() => api.setRequester(conversation.id, body));
    if (summary) {
      onApplied(summary);
      onClose();
    }
  };
  return (
    <Dialog title={t.requesterTitle} onClose={onClose}>
      <form onSubmit={submit}>
        <div class="dialog-body fields">
          <label>
            {t.name}
            <input type="text" maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
          </label>
          <label>
            {t.email}
            <input type="email" maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoComplete="off" />
          </label>
          <ErrorLine error={save.error} />
        </div>
        <footer class="dialog-foot">
          <button type="button" class="ghost" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="primary" disabled={save.busy}>
            {t.save}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}

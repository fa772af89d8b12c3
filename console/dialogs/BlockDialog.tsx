/**
 * @module "Block and end" (issue 6): the holder or a supervisor closes the chat and blocks its visitor and
 * the visitor's IP address, with a reason and an optional expiry; an admin may add a whole range (CIDR).
 * The visitor's widget says the chat was ended and stops connecting. Refusals show in the dialog.
 */
import { useState } from 'preact/hooks';
import type { AgentProfile, ConversationSummary } from '../../shared/protocol';
import { api } from '../session/api';
import { Dialog } from './Dialog';
import { DialogForm } from './FormDialog';
import { t } from '../i18n/i18n';
import { blockVisitorBody, cidrProblem, EXPIRY_CHOICES, isExpiryChoice, type ExpiryChoice } from './safety';
import { useAction } from '../ui/use-action';

export interface BlockDialogProps {
  conversation: ConversationSummary;
  agent: Pick<AgentProfile, 'role'>;
  onApplied: (summary: ConversationSummary) => void;
  onClose: () => void;
}

export function BlockDialog({ conversation: c, agent, onApplied, onClose }: BlockDialogProps) {
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>('none');
  const [cidr, setCidr] = useState('');
  const [cidrWrong, setCidrWrong] = useState(false);
  const action = useAction();
  const admin = agent.role === 'admin';

  const submit = async (e: Event) => {
    e.preventDefault();
    const wrong = admin && cidrProblem(cidr) !== null;
    setCidrWrong(wrong);
    if (wrong) return;
    const summary = await action.run(() => api.block(c.id, blockVisitorBody({ reason, expiry, cidr: admin ? cidr : '' })));
    if (summary) {
      onApplied(summary);
      onClose();
    }
  };

  return (
    <Dialog title={t.sf.blockTitle} onClose={onClose} class="block-dialog" initialFocus="textarea">
      <DialogForm
        onSubmit={submit}
        onClose={onClose}
        bodyClass="fields"
        noValidate
        error={action.error}
        submitLabel={action.busy ? t.sf.blocking : t.sf.blockAndEnd}
        submitClass="danger"
        submitDisabled={action.busy}
      >
        <p class="hint">{t.sf.blockText}</p>
        <label>
          {t.sf.reason}
          <textarea rows={2} maxLength={300} value={reason} placeholder={t.sf.reasonPlaceholder} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <label>
          {t.sf.expiry}
          <select value={expiry} onChange={(e) => isExpiryChoice(e.currentTarget.value) && setExpiry(e.currentTarget.value)}>
            {EXPIRY_CHOICES.map((x) => (
              <option key={x} value={x}>
                {t.sf.expiries[x]}
              </option>
            ))}
          </select>
        </label>
        {admin && (
          <label>
            {t.sf.cidr}
            <input
              type="text"
              inputMode="url"
              maxLength={50}
              spellcheck={false}
              autoComplete="off"
              placeholder="203.0.113.0/24"
              value={cidr}
              aria-invalid={cidrWrong ? 'true' : undefined}
              aria-describedby="block-cidr-hint"
              onInput={(e) => {
                setCidr(e.currentTarget.value);
                setCidrWrong(false);
              }}
            />
            <span id="block-cidr-hint" class={cidrWrong ? 'error' : 'hint'}>
              {cidrWrong ? t.sf.cidrProblem : t.sf.cidrHint}
            </span>
          </label>
        )}
      </DialogForm>
    </Dialog>
  );
}

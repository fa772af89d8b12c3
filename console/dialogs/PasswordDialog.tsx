/**
 * @module Change password (issue 6): current, new and repeated. The server ends every other session of
 * the agent (their consoles go back to the login) and gives this browser a new one.
 */
import { useState } from 'preact/hooks';
import { api } from '../session/api';
import { Dialog } from './Dialog';
import { DialogForm } from './FormDialog';
import { t } from '../i18n/i18n';
import { MIN_PASSWORD_CHARS, passwordProblems, type PasswordForm } from './safety';
import { useAction } from '../ui/use-action';

const FIELDS = [
  ['current', 'currentPassword', 'current-password'],
  ['next', 'newPassword', 'new-password'],
  ['repeat', 'repeatPassword', 'new-password'],
] as const;

export function PasswordDialog({ onClose }: { onClose: () => void }) {
  const [form, setForm] = useState<PasswordForm>({ current: '', next: '', repeat: '' });
  const [problems, setProblems] = useState<ReturnType<typeof passwordProblems>>({});
  const [done, setDone] = useState(false);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = passwordProblems(form);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const ok = await action.run(async () => {
      await api.changePassword(form.current, form.next);
      return true;
    });
    if (ok) setDone(true);
  };

  // A wrong current password is named at its field; any other refusal below the form.
  const wrongCurrent = action.error?.code === 'invalid_credentials';
  const problemOf = (field: keyof PasswordForm): string | null =>
    field === 'current' && wrongCurrent ? t.sf.wrongCurrent : problems[field] ? t.sf.passwordProblems[problems[field]] : null;

  if (done) {
    return (
      <Dialog title={t.sf.changePassword} onClose={onClose} class="password-dialog">
        <div class="dialog-body">
          <p class="ok-line" role="status">
            {t.sf.passwordChanged}
          </p>
        </div>
        <footer class="dialog-foot">
          <button type="button" class="primary" onClick={onClose}>
            {t.close}
          </button>
        </footer>
      </Dialog>
    );
  }

  return (
    <Dialog title={t.sf.changePassword} onClose={onClose} class="password-dialog">
      <DialogForm
        onSubmit={submit}
        onClose={onClose}
        bodyClass="fields"
        noValidate
        error={wrongCurrent ? null : action.error}
        submitLabel={action.busy ? t.sf.changing : t.sf.changePassword}
        submitDisabled={action.busy}
      >
        {FIELDS.map(([field, label, autoComplete]) => {
          const problem = problemOf(field);
          return (
            <label key={field}>
              {t.sf[label]}
              <input
                type="password"
                autoComplete={autoComplete}
                minLength={field === 'current' ? undefined : MIN_PASSWORD_CHARS}
                maxLength={200}
                value={form[field]}
                aria-invalid={problem ? 'true' : undefined}
                onInput={(e) => {
                  setForm({ ...form, [field]: e.currentTarget.value });
                  if (problems[field]) setProblems({ ...problems, [field]: undefined });
                  if (field === 'current' && wrongCurrent) action.clear();
                }}
              />
              {problem ? <span class="error">{problem}</span> : field === 'next' && <span class="hint">{t.sf.passwordRule}</span>}
            </label>
          );
        })}
      </DialogForm>
    </Dialog>
  );
}

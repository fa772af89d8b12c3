import { useEffect, useState } from 'preact/hooks';
import type { AgentProfile } from '../../shared/protocol';
import { api, ApiError } from '../session/api';
import { t } from '../i18n/i18n';
import { loginRefusal, secondsLeft, type LoginRefusal } from '../dialogs/safety';

export function Login({ onSignedIn }: { onSignedIn: (agent: AgentProfile) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<LoginRefusal | null>(null);
  const [now, setNow] = useState(Date.now);
  /** When the refusal came: the pause as first said, read once to screen readers while the count runs. */
  const [refusedAt, setRefusedAt] = useState(0);
  const until = refusal?.kind === 'rate_limited' ? refusal.until : 0;
  const wait = secondsLeft(until, now);

  // Issue 6: too many attempts. The countdown runs while the server's pause lasts; the button waits with it.
  useEffect(() => {
    if (until <= Date.now()) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= until) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (wait > 0) return;
    setBusy(true);
    setRefusal(null);
    try {
      onSignedIn(await api.login(email, password));
    } catch (err) {
      const at = Date.now();
      setNow(at);
      setRefusedAt(at);
      setRefusal(loginRefusal(err instanceof ApiError ? err : { code: 'internal' }, at));
      setBusy(false);
    }
  };

  const message =
    refusal === null
      ? null
      : {
          credentials: t.invalidCredentials,
          rate_limited: until > refusedAt ? t.sf.loginWaitDone : t.errors.rate_limited,
          disabled: t.sf.loginDisabled,
          blocked: t.sf.loginBlocked,
          other: t.somethingWrong,
        }[refusal.kind];

  return (
    <main class="login">
      <form class="card" onSubmit={submit}>
        <p class="logo" aria-hidden="true">
          {t.brand}
        </p>
        <h1>{t.signInTitle}</h1>
        <label>
          {t.email}
          <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t.password}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {wait > 0 ? (
          <p class="error">
            {/* The count is seen; a screen reader hears the pause once, not every second. */}
            <span aria-hidden="true">{t.sf.loginWait(wait)}</span>
            <span class="sr-only" role="alert">
              {t.sf.loginWait(secondsLeft(until, refusedAt))}
            </span>
          </p>
        ) : (
          message && (
            <p class={refusal?.kind === 'rate_limited' && until > refusedAt ? 'hint' : 'error'} role="alert">
              {message}
            </p>
          )
        )}
        <button type="submit" class="primary" disabled={busy || wait > 0}>
          {busy ? t.signingIn : t.signIn}
        </button>
      </form>
    </main>
  );
}

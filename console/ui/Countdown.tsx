import { duration, t } from '../i18n/i18n';
import { useNow } from './use-now';

/**
 * Time left until `until`, as m:ss, refreshed every second. Screen readers read the aria-label ("25 seconds
 * left"); the visible text is not a live region, so it is not read out every second.
 */
export function Countdown({ until, label = t.timeLeft }: { until: number; label?: (text: string) => string }) {
  const now = useNow();
  const left = Math.max(0, until - now);
  const text = duration(left);
  return (
    <span class={`countdown${left < 10_000 ? ' urgent' : ''}`} role="timer" aria-label={label(text)}>
      {text}
    </span>
  );
}

/** Time since `since` (waiting time), as m:ss or h:mm:ss. */
export function Elapsed({ since, label = t.waitingFor }: { since: number; label?: (text: string) => string }) {
  const now = useNow();
  const text = duration(Math.max(0, now - since));
  return (
    <span class="elapsed" role="timer" aria-label={label(text)}>
      {text}
    </span>
  );
}

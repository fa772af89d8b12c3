/**
 * @module Small pieces the admin screens share: an inline error line and a labelled form field that names
 * its own problem.
 */
import type { ComponentChildren } from 'preact';
import type { Problem } from './forms';
import { t } from './i18n';

export function InlineError({ message }: { message: string | null }) {
  return message ? (
    <p class="adm-error" role="alert">
      {message}
    </p>
  ) : null;
}

export interface FieldProps {
  label: string;
  problem?: Problem | undefined;
  hint?: string;
  children: ComponentChildren;
  wide?: boolean;
}

/** A label around its control, with the hint and the problem below it. */
export function Field({ label, problem, hint, children, wide }: FieldProps) {
  return (
    <label class={`adm-field${wide ? ' wide' : ''}${problem ? ' invalid' : ''}`}>
      <span class="adm-label">{label}</span>
      {children}
      {hint && <span class="adm-hint">{hint}</span>}
      {problem && <span class="adm-problem">{t.problem(problem, label)}</span>}
    </label>
  );
}

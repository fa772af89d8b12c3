import type { ApiError } from '../session/api';
import { errorText } from '../i18n/i18n';

/**
 * An action's refusal, inline where the agent acted, in the console's language (issue 15: never the raw
 * code; it stays in `data-code` for tests and support).
 */
export function ErrorLine({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert" data-code={error.code}>
      {errorText(error.code)}
    </p>
  );
}

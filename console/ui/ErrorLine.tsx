import type { ApiError } from '../session/api';
import { errorText } from '../i18n/i18n';

/** An action's refusal, inline where the agent acted: the message in the console's language and the code. */
export function ErrorLine({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {errorText(error.code, error.message)} <code>{error.code}</code>
    </p>
  );
}

/**
 * @module Issue 15: a round avatar with someone's initials ("Maria da Silva" -> MS, an anonymous visitor's
 * generated name "Tucano Azul" -> TA), in a colour that stays the same for the same person. Decorative: the
 * name is always written beside it.
 */
import { avatarHue, initials } from '../i18n/i18n';

export function Avatar({ label, colourKey, size }: { label: string; colourKey: string; size?: 'mini' }) {
  const hue = avatarHue(colourKey);
  return (
    <span class={`avatar${size ? ` ${size}` : ''}`} aria-hidden="true" style={{ background: `hsl(${hue} 62% 88%)`, color: `hsl(${hue} 45% 28%)` }}>
      {initials(label)}
    </span>
  );
}

/** @module The priority levels as the options of a <select>, in PRIORITY_VALUES's order, by name. */
import { PRIORITY_VALUES, priorityName } from './i18n';

/** @example <select value={c.priority} onChange={…}><PriorityOptions /></select> */
export function PriorityOptions() {
  return (
    <>
      {PRIORITY_VALUES.map((p) => (
        <option key={p} value={p}>
          {priorityName(p)}
        </option>
      ))}
    </>
  );
}

/** @module The priority levels as the options of a <select>, in PRIORITY_VALUES's order, by name. */
import { PRIORITY_VALUES, priorityName } from '../i18n/i18n';
import { Options } from './Options';

/** @example <select value={c.priority} onChange={…}><PriorityOptions /></select> */
export function PriorityOptions() {
  return <Options values={PRIORITY_VALUES} name={priorityName} />;
}

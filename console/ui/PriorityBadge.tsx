import { priorityName, t } from '../i18n/i18n';

const CLASS = ['low', 'normal', 'high', 'urgent'] as const;

export function PriorityBadge({ priority }: { priority: number }) {
  return (
    <span class={`priority p-${CLASS[priority] ?? 'normal'}`} title={t.priority}>
      {priorityName(priority)}
    </span>
  );
}

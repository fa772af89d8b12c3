/**
 * @module A site's widget settings as the widget reads them (SPEC W4, W5): the stored SiteWidget (or the
 * defaults) with the pre-chat queues resolved to `{ id, name }` among the site's queues. Pure.
 */
import { DEFAULT_WIDGET, type SiteWidget } from '../../shared/api';
import type { WidgetSettings } from '../../shared/protocol';

/**
 * Queue ids that name no queue of this site any more (deleted, another site's) are dropped, in the order the
 * admin chose them.
 *
 * @example widgetSettings(site.widget, directory.queues(site.id))
 */
export function widgetSettings(stored: SiteWidget | null, siteQueues: ReadonlyArray<{ id: string; name: string }>): WidgetSettings {
  const widget = stored ?? DEFAULT_WIDGET;
  const byId = new Map(siteQueues.map((q) => [q.id, q.name]));
  const queues = widget.prechat.queues.flatMap((id) => {
    const name = byId.get(id);
    return name === undefined ? [] : [{ id, name }];
  });
  return { ...widget, prechat: { ...widget.prechat, queues } };
}

import { describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET } from '../../shared/api';
import { widgetSettings } from './widget-settings';

describe('widgetSettings (SPEC W4, W5)', () => {
  const queues = [
    { id: 'q-sales', name: 'Vendas' },
    { id: 'q-support', name: 'Suporte' },
  ];

  it('a site that never saved settings reads the defaults', () => {
    expect(widgetSettings(null, queues)).toEqual({ ...DEFAULT_WIDGET, prechat: { ...DEFAULT_WIDGET.prechat, queues: [] } });
  });

  it('pre-chat queues are named, in the order chosen, and unknown ids are dropped', () => {
    const stored = { ...DEFAULT_WIDGET, color: '#123456', prechat: { ...DEFAULT_WIDGET.prechat, enabled: true, queues: ['q-support', 'gone', 'q-sales'] } };
    const settings = widgetSettings(stored, queues);
    expect(settings.color).toBe('#123456');
    expect(settings.prechat.queues).toEqual([
      { id: 'q-support', name: 'Suporte' },
      { id: 'q-sales', name: 'Vendas' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { gauge, isLeader } from './metrics-text';

const text = [
  '# HELP papo_leader Whether this node holds the leadership of a name',
  '# TYPE papo_leader gauge',
  'papo_leader{lease="router",node="n1"} 1',
  'papo_leader{lease="sweeps",node="n1"} 1',
  'papo_open_sockets{kind="visitor",node="n1"} 3',
  'papo_open_sockets{kind="agent",node="n1"} 0',
].join('\n');

describe('reading /metrics in the cluster tests', () => {
  it.each([
    ['the routing lease at 1', text, true],
    ['the routing lease at 0, another lease at 1', text.replace('lease="router",node="n1"} 1', 'lease="router",node="n1"} 0'), false],
    ['a leader gauge without labels', 'papo_leader 1', true],
    ['no leader gauge', 'papo_open_sockets{kind="visitor"} 1', false],
    ['no answer', null, false],
  ])('isLeader: %s', (_name, metrics, expected) => {
    expect(isLeader(metrics)).toBe(expected);
  });

  it('gauge: the sample whose labels include the ones asked for, or null', () => {
    expect(gauge(text, 'papo_open_sockets', { kind: 'visitor' })).toBe(3);
    expect(gauge(text, 'papo_open_sockets', { kind: 'agent' })).toBe(0);
    expect(gauge(text, 'papo_open_sockets', { kind: 'bot' })).toBeNull();
    expect(gauge(null, 'papo_open_sockets')).toBeNull();
  });
});

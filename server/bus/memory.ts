/**
 * @module In-process Bus for a single node: synchronous delivery, publish order kept per topic; nothing is
 * ever lost, so `ready` resolves at once and `resync` runs only when asked.
 */
import type { Logger } from '../log';
import type { Bus, BusCounters, BusMessage, ControlMessage } from './bus';

type Handler = (message: BusMessage) => void;

export interface MemoryBus extends Bus, BusCounters {}

export function createMemoryBus(log: Logger, nodeId = 'local'): MemoryBus {
  const subscribers = new Map<string, Set<Handler>>();
  const controls = new Set<(message: ControlMessage, fromNode: string) => void>();
  const resyncs = new Set<() => void>();
  return {
    nodeId,
    lossless: true,
    publish(topic, message) {
      const handlers = subscribers.get(topic);
      if (!handlers) return;
      for (const handler of handlers) {
        try {
          handler(message);
        } catch (err) {
          // One broken subscriber must not starve the others of the event.
          log.error('bus subscriber failed', { topic, err });
        }
      }
    },
    subscribe(topic, handler) {
      let handlers = subscribers.get(topic);
      if (!handlers) subscribers.set(topic, (handlers = new Set()));
      handlers.add(handler);
      return () => {
        handlers.delete(handler);
        if (handlers.size === 0 && subscribers.get(topic) === handlers) subscribers.delete(topic);
      };
    },
    ready: () => Promise.resolve(),
    control: {
      publish(message) {
        for (const handler of controls) {
          try {
            handler(message, nodeId);
          } catch (err) {
            log.error('control subscriber failed', { type: message.type, err });
          }
        }
      },
      subscribe(handler) {
        controls.add(handler);
        return () => controls.delete(handler);
      },
    },
    onResync(handler) {
      resyncs.add(handler);
      return () => resyncs.delete(handler);
    },
    resync() {
      for (const handler of resyncs) {
        try {
          handler();
        } catch (err) {
          log.error('resync handler failed', { err });
        }
      }
    },
    async close() {
      subscribers.clear();
      controls.clear();
      resyncs.clear();
    },
    subscriptions() {
      let n = 0;
      for (const handlers of subscribers.values()) n += handlers.size;
      return n;
    },
    reconnects: () => 0,
    dropped: () => 0,
  };
}

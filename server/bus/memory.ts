/**
 * @module In-process Bus for a single node: synchronous delivery, publish order kept per topic.
 */
import type { Logger } from '../log';
import type { Bus, BusMessage } from './bus';

type Handler = (message: BusMessage) => void;

export interface MemoryBus extends Bus {
  /** How many handlers are subscribed, over all topics (read-only; tests check closed sockets leave none). */
  subscriptions(): number;
}

export function createMemoryBus(log: Logger): MemoryBus {
  const subscribers = new Map<string, Set<Handler>>();
  return {
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
    async close() {
      subscribers.clear();
    },
    subscriptions() {
      let n = 0;
      for (const handlers of subscribers.values()) n += handlers.size;
      return n;
    },
  };
}

/**
 * @module For tests of cluster state (issue 14): buses of several "nodes" in one process, linked the way the
 * Redis bus links nodes: control messages reach this node's handlers synchronously and the others' on a
 * later turn of the event loop, in order. `kill` makes a node silent at once (SIGKILL: no goodbye, nothing
 * more it publishes arrives); `heal` brings its messages back. Topics stay per node (memory bus): the tests
 * using this are about control messages, not delivery.
 */
import type { Bus, ControlMessage } from '../bus/bus';
import { createMemoryBus, type MemoryBus } from '../bus/memory';
import { silentLogger } from '../log';

type Handler = (message: ControlMessage, fromNode: string) => void;

export interface LinkedBuses {
  buses: MemoryBus[];
  /** Nothing this node publishes reaches the others any more. */
  kill(nodeId: string): void;
  heal(nodeId: string): void;
  /** Resolves once every control message published so far has reached every node. */
  settle(): Promise<void>;
}

export function createLinkedBuses(nodeIds: readonly string[]): LinkedBuses {
  const handlers = new Map<string, Set<Handler>>(nodeIds.map((id) => [id, new Set()]));
  const silent = new Set<string>();
  let inFlight = 0;
  const buses = nodeIds.map((nodeId): MemoryBus => {
    const base = createMemoryBus(silentLogger, nodeId);
    const control: Bus['control'] = {
      publish(message) {
        const copy = JSON.parse(JSON.stringify(message)) as ControlMessage; // what crosses Redis is JSON
        for (const handler of handlers.get(nodeId)!) handler(message, nodeId);
        if (silent.has(nodeId)) return;
        for (const [other, set] of handlers) {
          if (other === nodeId) continue;
          inFlight++;
          setImmediate(() => {
            inFlight--;
            if (silent.has(nodeId)) return;
            for (const handler of set) handler(copy, nodeId);
          });
        }
      },
      subscribe(handler) {
        handlers.get(nodeId)!.add(handler);
        return () => handlers.get(nodeId)!.delete(handler);
      },
    };
    return { ...base, control };
  });
  return {
    buses,
    kill: (id) => void silent.add(id),
    heal: (id) => void silent.delete(id),
    async settle() {
      while (inFlight > 0) await new Promise((r) => setImmediate(r));
    },
  };
}

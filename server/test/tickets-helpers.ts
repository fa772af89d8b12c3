/**
 * @module Helpers for the issue 4 integration tests (SPEC T1-T8): the demo site's id, its Support queue,
 * its offline settings and its masking mode (SPEC M1, M2) through the admin API, the visitor's request frames (`ticket.create`,
 * `conversation.rate`, `transcript.email`) answered by `ticket`, `done` or an `error` naming the clientId,
 * and the tickets as stored.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { SiteTicketing, Ticket } from '../../shared/api';
import type { ServerFrame } from '../../shared/protocol';
import type { MaskingMode } from '../domain/masking';
import { DEFAULT_TICKETING } from '../domain/tickets';
import { adminApi, waitFrames } from './agents';
import type { TestSocket } from './clients';
import type { TestServer } from './harness';

export type Answer = Extract<ServerFrame, { type: 'ticket' | 'done' | 'error' }>;

/** The demo site's id (GET /sites as the admin). */
export async function demoSiteId(server: TestServer): Promise<string> {
  const res = await (await adminApi(server)).get('/sites');
  const site = (res.body.sites as Array<{ id: string; key: string }>).find((s) => s.key === server.siteKey);
  if (!site) throw new Error('no demo site');
  return site.id;
}

/** The seeded broadcast queue "Support": the demo site's default queue. */
export async function supportQueueId(server: TestServer): Promise<string> {
  const res = await (await adminApi(server)).get('/queues');
  const queue = (res.body.queues as Array<{ id: string; name: string }>).find((q) => q.name === 'Support');
  if (!queue) throw new Error('no Support queue');
  return queue.id;
}

/** PUT /sites/:id/ticketing as the admin, over the product's defaults. */
export async function setTicketing(server: TestServer, patch: Partial<SiteTicketing>): Promise<SiteTicketing> {
  const body = { ...DEFAULT_TICKETING, ...patch };
  const res = await (await adminApi(server)).put(`/sites/${await demoSiteId(server)}/ticketing`, body);
  if (res.status !== 200) throw new Error(`could not set ticketing: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** PUT /sites/:id/masking as the admin: the demo site's masking mode (SPEC M1, M2). */
export async function setMasking(server: TestServer, mode: MaskingMode): Promise<void> {
  const res = await (await adminApi(server)).put(`/sites/${await demoSiteId(server)}/masking`, { mode });
  expect(res.status).toBe(200);
}

const isAnswer = (clientId: string) => (f: ServerFrame): f is Answer =>
  (f.type === 'ticket' || f.type === 'done' || f.type === 'error') && f.clientId === clientId;

/**
 * Sends a visitor request frame and waits for its answer: the next `ticket`, `done` or `error` frame that
 * names its clientId (a resend with the same clientId waits for a new answer, not the first one).
 */
export async function request(socket: TestSocket, frame: { type: string; clientId: string } & Record<string, unknown>): Promise<Answer> {
  const match = isAnswer(frame.clientId);
  const before = socket.frames.filter(match).length;
  socket.send(frame);
  return waitFrames(socket, (frames) => frames.filter(match)[before], `an answer to ${frame.type} ${frame.clientId}`);
}

/** The leave-a-message form (SPEC T1). */
export function createTicket(socket: TestSocket, fields: Record<string, string>, clientId: string = randomUUID()) {
  return request(socket, { type: 'ticket.create', clientId, fields });
}

export function rate(socket: TestSocket, conversationId: string, score: number, comment?: string) {
  return request(socket, { type: 'conversation.rate', clientId: randomUUID(), conversationId, score, ...(comment === undefined ? {} : { comment }) });
}

export function emailTranscript(socket: TestSocket, conversationId: string, email: string) {
  return request(socket, { type: 'transcript.email', clientId: randomUUID(), conversationId, email });
}

/** Every stored ticket, any status, newest update first. */
export function allTickets(server: TestServer): Promise<Ticket[]> {
  return server.papo.store.tickets.list({ limit: 10_000 });
}

/** A unique address for one test, so what an SMTP server received can be told apart. */
export function uniqueEmail(who = 'visitante'): string {
  return `${who}-${randomUUID().slice(0, 8)}@example.com`;
}

/** Narrows an answer to one frame type, failing with what came instead. */
export function expectAnswer<T extends Answer['type']>(answer: Answer, type: T): Extract<Answer, { type: T }> {
  if (answer.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(answer)}`);
  return answer as Extract<Answer, { type: T }>;
}

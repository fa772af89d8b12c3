/**
 * @module Ticket routes (issue 4, SPEC T3-T4): list, read, create, update, notes and replies; "end
 * conversation and create ticket"; a site's offline settings (admins). Thin: validation against
 * shared/api.ts, then the ticket service.
 */
import { Hono, type Context } from 'hono';
import {
  EndWithTicketBody,
  MaskingBody,
  SiteTicketingBody,
  TicketCreateBody,
  TicketListQuery,
  TicketPatchBody,
  TicketTextBody,
  type SiteTicketing,
  type TicketAnswer,
  type TicketDetailAnswer,
  type TicketsAnswer,
} from '../../shared/api';
import type { AgentActor } from '../domain/conversation';
import { AppError } from '../errors';
import type { Availability } from '../services/availability';
import type { Directory } from '../services/directory';
import type { TicketService } from '../services/tickets';
import type { MaskingPolicy } from '../services/masking-policy';
import type { Sites } from '../services/sites';
import type { ApiEnv } from './context';
import { body, query, requires } from './json';

export interface TicketsApiDeps {
  sites: Sites;
  masking: MaskingPolicy;
  directory: Directory;
  tickets: TicketService;
  availability: Availability;
}

export function createTicketsApi({ sites, masking, directory, tickets, availability }: TicketsApiDeps): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  const actorOf = (c: Context<ApiEnv>): AgentActor => directory.actor(c.get('agent'));
  const answer = (c: Context<ApiEnv>, ticket: TicketAnswer['ticket']) => c.json({ ticket: tickets.view(ticket) } satisfies TicketAnswer);

  api.get('/tickets', async (c) => c.json({ tickets: await tickets.list(actorOf(c), query(c, TicketListQuery)) } satisfies TicketsAnswer));
  api.post('/tickets', async (c) => {
    const input = await body(c, TicketCreateBody);
    return c.json({ ticket: tickets.view(await tickets.create(actorOf(c), input)) } satisfies TicketAnswer, 201);
  });
  api.get('/tickets/:id', async (c) => c.json((await tickets.detail(actorOf(c), c.req.param('id'))) satisfies TicketDetailAnswer));
  api.patch('/tickets/:id', async (c) => answer(c, await tickets.update(actorOf(c), c.req.param('id'), await body(c, TicketPatchBody))));
  api.post('/tickets/:id/notes', async (c) => answer(c, await tickets.note(actorOf(c), c.req.param('id'), (await body(c, TicketTextBody)).text)));
  api.post('/tickets/:id/replies', async (c) => answer(c, await tickets.reply(actorOf(c), c.req.param('id'), (await body(c, TicketTextBody)).text)));

  api.post('/conversations/:id/end-with-ticket', async (c) => {
    const input = await body(c, EndWithTicketBody);
    const { conversation, ticket } = await tickets.endWithTicket(actorOf(c), c.req.param('id'), input);
    return c.json({ conversation: masking.summary(conversation), ticket: tickets.view(ticket) });
  });

  // Issue 6: the site's masking of sensitive data in agent views, or before storing.
  api.get('/sites/:id/masking', async (c) => c.json({ mode: (await sites.get(c.req.param('id'))).masking }));
  api.put('/sites/:id/masking', requires('manageSites'), async (c) => {
    const { mode } = await body(c, MaskingBody);
    if (!(await masking.set(c.req.param('id'), mode))) throw new AppError('not_found', 'No such site.');
    return c.json({ mode });
  });

  api.get('/sites/:id/ticketing', async (c) => c.json((await sites.ticketing(c.req.param('id'))) satisfies SiteTicketing));
  api.put('/sites/:id/ticketing', requires('manageSites'), async (c) => {
    const ticketing = await body(c, SiteTicketingBody);
    await sites.setTicketing(c.req.param('id'), ticketing);
    availability.refresh();
    return c.json(ticketing satisfies SiteTicketing);
  });

  return api;
}

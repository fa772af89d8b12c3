/**
 * @module Ticket routes (issue 4, SPEC T3-T4): list, read, create, update, notes and replies; "end
 * conversation and create ticket"; a site's offline settings (admins). Thin: validation against
 * its route in shared/routes.ts, then the ticket service.
 */
import { Hono, type Context } from 'hono';
import type { Ticket } from '../../shared/api';
import { ROUTES } from '../../shared/routes';
import type { AgentActor } from '../domain/conversation';
import { AppError } from '../errors';
import type { Availability } from '../services/availability';
import type { Directory } from '../services/directory';
import type { TicketService } from '../services/tickets';
import type { MaskingPolicy } from '../services/masking-policy';
import type { Sites } from '../services/sites';
import type { ApiEnv } from './context';
import { route } from './routes';

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
  const shown = (ticket: Ticket) => ({ ticket: tickets.view(ticket) });

  route(api, ROUTES.tickets, async (c, { query, answer }) => answer({ tickets: await tickets.list(actorOf(c), query()) }));
  route(api, ROUTES.createTicket, async (c, { body, answer }) => {
    const input = await body();
    return answer(shown(await tickets.create(actorOf(c), input)));
  });
  route(api, ROUTES.ticket, async (c, { answer }) => answer(await tickets.detail(actorOf(c), c.req.param('id'))));
  route(api, ROUTES.updateTicket, async (c, { body, answer }) => answer(shown(await tickets.update(actorOf(c), c.req.param('id'), await body()))));
  route(api, ROUTES.addTicketNote, async (c, { body, answer }) => answer(shown(await tickets.note(actorOf(c), c.req.param('id'), (await body()).text))));
  route(api, ROUTES.replyToTicket, async (c, { body, answer }) => answer(shown(await tickets.reply(actorOf(c), c.req.param('id'), (await body()).text))));

  route(api, ROUTES.endWithTicket, async (c, { body, answer }) => {
    const input = await body();
    const { conversation, ticket } = await tickets.endWithTicket(actorOf(c), c.req.param('id'), input);
    return answer({ conversation: masking.summary(conversation), ticket: tickets.view(ticket) });
  });

  // Issue 6: the site's masking of sensitive data in agent views, or before storing.
  route(api, ROUTES.siteMasking, async (c, { answer }) => answer({ mode: (await sites.get(c.req.param('id'))).masking }));
  route(api, ROUTES.setSiteMasking, async (c, { body, answer }) => {
    const { mode } = await body();
    if (!(await masking.set(c.req.param('id'), mode))) throw new AppError('not_found', 'No such site.');
    return answer({ mode });
  });

  route(api, ROUTES.siteTicketing, async (c, { answer }) => answer(await sites.ticketing(c.req.param('id'))));
  route(api, ROUTES.setSiteTicketing, async (c, { body, answer }) => {
    const ticketing = await body();
    await sites.setTicketing(c.req.param('id'), ticketing);
    availability.refresh();
    return answer(ticketing);
  });

  return api;
}

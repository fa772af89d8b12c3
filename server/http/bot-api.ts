/**
 * @module The bot's API (SPEC R12): its replies and its hand-off to a queue, authenticated by the bearer
 * token its site was given. No cookie and no Origin: a bot is a server, not a browser.
 */
import { Hono } from 'hono';
import { ROUTES } from '../../shared/routes';
import type { BotService } from '../services/bot';
import { route } from './routes';

export function createBotApi(bot: BotService): Hono {
  const api = new Hono();
  route(
    api,
    ROUTES.botMessage,
    async (c, { body, answer }) => {
      const { clientId, text } = await body();
      return answer(await bot.reply(c.req.header('authorization'), c.req.param('id'), clientId, text));
    },
    { mount: '/bot' },
  );
  route(
    api,
    ROUTES.botHandoff,
    async (c, { body, answer }) => {
      const { queue, agent } = await body();
      return answer({ conversation: await bot.handoff(c.req.header('authorization'), c.req.param('id'), queue, agent) });
    },
    { mount: '/bot' },
  );
  return api;
}

/**
 * @module The bot's API (SPEC R12): its replies and its hand-off to a queue, authenticated by the bearer
 * token its site was given. No cookie and no Origin: a bot is a server, not a browser.
 */
import { Hono } from 'hono';
import { BotHandoffBody, BotMessageBody, type ConversationAnswer } from '../../shared/api';
import type { BotService } from '../services/bot';
import { body } from './json';

export function createBotApi(bot: BotService): Hono {
  const api = new Hono();
  api.post('/conversations/:id/messages', async (c) => {
    const { clientId, text } = await body(c, BotMessageBody);
    return c.json(await bot.reply(c.req.header('authorization'), c.req.param('id'), clientId, text));
  });
  api.post('/conversations/:id/handoff', async (c) => {
    const { queue } = await body(c, BotHandoffBody);
    return c.json({ conversation: await bot.handoff(c.req.header('authorization'), c.req.param('id'), queue) } satisfies ConversationAnswer);
  });
  return api;
}

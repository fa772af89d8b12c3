-- Issue 14: one waiting offer per agent and one rating per conversation, enforced by the database (several
-- nodes may briefly have two routing leaders). Generated from schema.ts; the UPDATE is hand-written: one node's
-- router never gave an agent two offers at once, but should a database hold two, the older ones are withdrawn
-- (the conversation waits again and is offered anew) rather than the migration failing. Ratings were taken one
-- at a time per conversation (services/tickets.ts rate), so no conversation has two.
UPDATE `conversations` SET `offer_agent_id` = NULL, `offer_agent_name` = NULL, `offer_expires_at` = NULL
WHERE `offer_agent_id` IS NOT NULL AND `id` NOT IN (SELECT max(`id`) FROM `conversations` WHERE `offer_agent_id` IS NOT NULL GROUP BY `offer_agent_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_one_offer_per_agent` ON `conversations` (`offer_agent_id`) WHERE offer_agent_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `events_one_rating` ON `events` (`conversation_id`) WHERE kind = 'rated';
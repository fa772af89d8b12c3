-- Issue 14: one waiting offer per agent and one rating per conversation, enforced by the database (several
-- nodes may briefly have two routing leaders). Generated from schema.ts; the UPDATE and DELETE are hand-written.
-- One node's router never gave an agent two offers at once, but should a database hold two, only the offer of its
-- newest conversation (the greatest id: UUIDv7 ids follow time) is kept, the older ones withdrawn (they wait
-- again and are offered anew) rather than the migration failing. Ratings were checked before the write (services/tickets.ts rate), so two at once
-- (two tabs) could both be stored: the first of each conversation is kept, the one every reader already showed
-- (they read the log's first `rated`). The later ones leave a hole in the seqs, as a note does for a visitor:
-- catch-ups follow the conversation's last_seq, never count events, and no seq is reused (last_seq stays).
UPDATE `conversations` SET `offer_agent_id` = NULL, `offer_agent_name` = NULL, `offer_expires_at` = NULL
WHERE `offer_agent_id` IS NOT NULL AND `id` NOT IN (SELECT max(`id`) FROM `conversations` WHERE `offer_agent_id` IS NOT NULL GROUP BY `offer_agent_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_one_offer_per_agent` ON `conversations` (`offer_agent_id`) WHERE offer_agent_id IS NOT NULL;--> statement-breakpoint
DELETE FROM `events` WHERE `kind` = 'rated'
AND EXISTS (SELECT 1 FROM `events` AS `first` WHERE `first`.`conversation_id` = `events`.`conversation_id` AND `first`.`kind` = 'rated' AND `first`.`seq` < `events`.`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `events_one_rating` ON `events` (`conversation_id`) WHERE kind = 'rated';
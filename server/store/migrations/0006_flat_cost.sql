CREATE TABLE `conversation_labels` (
	`label` text NOT NULL,
	`archived` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`conversation_id` text NOT NULL,
	PRIMARY KEY(`label`, `archived`, `updated_at`, `conversation_id`)
);
--> statement-breakpoint
CREATE INDEX `conversation_labels_conversation` ON `conversation_labels` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `conversations_timers` ON `conversations` (`id`) WHERE offer_agent_id IS NOT NULL OR request_json IS NOT NULL;--> statement-breakpoint
CREATE INDEX `conversations_waiting` ON `conversations` ("priority" DESC, coalesce("queued_at", "created_at"), `id`) WHERE status = 'open' AND assigned_agent_id IS NULL AND bot = 0 AND offer_agent_id IS NULL;--> statement-breakpoint
CREATE INDEX `conversations_closed` ON `conversations` (`archived`,`updated_at`,`id`) WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX `conversations_closed_queue` ON `conversations` (`queue_id`,`archived`,`updated_at`,`id`) WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX `conversations_closed_agent` ON `conversations` (`assigned_agent_id`,`archived`,`updated_at`,`id`) WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX `conversations_closed_priority` ON `conversations` (`priority`,`archived`,`updated_at`,`id`) WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX `conversations_closed_guests` ON `conversations` (`archived`,`updated_at`,`id`,`participants_json`) WHERE status = 'closed' AND participants_json <> '[]';--> statement-breakpoint
CREATE INDEX `tickets_requester_email` ON `tickets` (lower("requester_email"));--> statement-breakpoint
CREATE INDEX `visitors_email` ON `visitors` (lower("email"));;--> statement-breakpoint
-- Hand-written (drizzle-kit knows no triggers): conversation_labels holds the labels of closed conversations,
-- changed in the statement that changes the conversation, by whichever write path.
CREATE TRIGGER `conversation_labels_insert` AFTER INSERT ON `conversations`
WHEN new.status = 'closed' AND new.labels_json <> '[]'
BEGIN
  INSERT OR IGNORE INTO conversation_labels (label, archived, updated_at, conversation_id)
    SELECT value, new.archived, new.updated_at, new.id FROM json_each(new.labels_json) WHERE type = 'text';
END;--> statement-breakpoint
CREATE TRIGGER `conversation_labels_update` AFTER UPDATE OF status, archived, updated_at, labels_json ON `conversations`
WHEN (old.status = 'closed' AND old.labels_json <> '[]') OR (new.status = 'closed' AND new.labels_json <> '[]')
BEGIN
  DELETE FROM conversation_labels WHERE conversation_id = old.id;
  INSERT OR IGNORE INTO conversation_labels (label, archived, updated_at, conversation_id)
    SELECT value, new.archived, new.updated_at, new.id FROM json_each(new.labels_json)
    WHERE new.status = 'closed' AND type = 'text';
END;--> statement-breakpoint
CREATE TRIGGER `conversation_labels_delete` AFTER DELETE ON `conversations`
WHEN old.status = 'closed' AND old.labels_json <> '[]'
BEGIN
  DELETE FROM conversation_labels WHERE conversation_id = old.id;
END;--> statement-breakpoint
-- The closed conversations labelled before this migration.
INSERT OR IGNORE INTO conversation_labels (label, archived, updated_at, conversation_id)
  SELECT j.value, c.archived, c.updated_at, c.id FROM conversations c, json_each(c.labels_json) j
  WHERE c.status = 'closed' AND c.labels_json <> '[]' AND j.type = 'text';

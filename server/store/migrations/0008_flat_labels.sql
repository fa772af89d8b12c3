-- Issue 12 (review): label and priority filters on the Closed and Archived lists read only their own rows.
-- Generated from schema.ts (the table, its index, conversations_closed_priority); the triggers and the
-- backfill below are hand-written.
CREATE TABLE `conversation_labels` (
	`label` text NOT NULL,
	`archived` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`conversation_id` text NOT NULL,
	PRIMARY KEY(`label`, `archived`, `updated_at`, `conversation_id`)
);
--> statement-breakpoint
CREATE INDEX `conversation_labels_conversation` ON `conversation_labels` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `conversations_closed_priority` ON `conversations` (`priority`,`archived`,`updated_at`,`id`) WHERE status = 'closed';--> statement-breakpoint
-- drizzle-kit knows no triggers: conversation_labels holds the labels of closed conversations,
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

CREATE TABLE `blocks` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`reason` text,
	`expires_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `blocks_kind_value` ON `blocks` (`kind`,`value`);--> statement-breakpoint
ALTER TABLE `agents` ADD `disabled` integer DEFAULT false NOT NULL;
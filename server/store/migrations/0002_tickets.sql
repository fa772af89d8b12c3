CREATE TABLE `ticket_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`kind` text NOT NULL,
	`author_id` text,
	`author_name` text,
	`text` text,
	`data` text,
	`emailed` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_entries_ticket` ON `ticket_entries` (`ticket_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`number` integer NOT NULL,
	`site_id` text NOT NULL,
	`status` text NOT NULL,
	`type` text NOT NULL,
	`priority` integer NOT NULL,
	`subject` text NOT NULL,
	`description` text NOT NULL,
	`requester_name` text,
	`requester_email` text,
	`requester_visitor_id` text,
	`assignee_id` text,
	`assignee_name` text,
	`conversation_id` text,
	`source` text NOT NULL,
	`client_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_number_unique` ON `tickets` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_site_client` ON `tickets` (`site_id`,`client_id`) WHERE client_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `tickets_status_updated` ON `tickets` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_updated` ON `tickets` (`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_conversation` ON `tickets` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `tickets_requester_visitor` ON `tickets` (`requester_visitor_id`);--> statement-breakpoint
ALTER TABLE `sites` ADD `ticketing` text;
CREATE TABLE `canned_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`text` text NOT NULL,
	`category` text NOT NULL,
	`language` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `queue_members` (
	`queue_id` text NOT NULL,
	`agent_id` text NOT NULL,
	PRIMARY KEY(`queue_id`, `agent_id`),
	FOREIGN KEY (`queue_id`) REFERENCES `queues`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `queue_members_agent` ON `queue_members` (`agent_id`);--> statement-breakpoint
CREATE TABLE `queues` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`strategy` text NOT NULL,
	`offer_timeout_ms` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `queues_site_name` ON `queues` (`site_id`,lower("name"));--> statement-breakpoint
CREATE TABLE `wrap_up_reasons` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wrap_up_reasons_label` ON `wrap_up_reasons` (lower("label"));--> statement-breakpoint
ALTER TABLE `agents` ADD `capacity` integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `availability` text DEFAULT 'available' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `availability_since` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `prefs` text DEFAULT '{"sound":true,"preview":true}' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `queue_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `queued_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `priority` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `bot` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `offer_agent_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `offer_agent_name` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `offer_expires_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `request_json` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `participants_json` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `labels_json` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `requester_email` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `wrap_up_reason` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `archived` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `first_message_text` text;--> statement-breakpoint
CREATE INDEX `conversations_assigned_active` ON `conversations` (`assigned_agent_id`) WHERE status IN ('open', 'ended');--> statement-breakpoint
CREATE INDEX `conversations_queue` ON `conversations` (`queue_id`);--> statement-breakpoint
ALTER TABLE `events` ADD `data` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `default_queue_id` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `bot_webhook_url` text;--> statement-breakpoint
ALTER TABLE `sites` ADD `bot_token_hash` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `email` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `last_page_url` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `last_page_title` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `referrer` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `user_agent` text;--> statement-breakpoint
ALTER TABLE `visitors` ADD `last_seen_at` integer;
CREATE TABLE `internal_channels` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`member_ids` text NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`last_message_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `internal_messages` (
	`channel_id` text NOT NULL,
	`seq` integer NOT NULL,
	`author_id` text NOT NULL,
	`author_name` text NOT NULL,
	`client_id` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `seq`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `internal_messages_client` ON `internal_messages` (`channel_id`,`author_id`,`client_id`);--> statement-breakpoint
CREATE TABLE `internal_reads` (
	`channel_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`seen_seq` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`channel_id`, `agent_id`)
);
--> statement-breakpoint
CREATE TABLE `refused_origins` (
	`site_id` text NOT NULL,
	`origin` text NOT NULL,
	`day` text NOT NULL,
	`count` integer NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `origin`, `day`)
);

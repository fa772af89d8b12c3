CREATE INDEX `conversations_timers` ON `conversations` (`id`) WHERE offer_agent_id IS NOT NULL OR request_json IS NOT NULL;--> statement-breakpoint
CREATE INDEX `conversations_waiting` ON `conversations` ("priority" DESC, coalesce("queued_at", "created_at"), `id`) WHERE status = 'open' AND assigned_agent_id IS NULL AND bot = 0 AND offer_agent_id IS NULL;--> statement-breakpoint
CREATE INDEX `conversations_closed` ON `conversations` (`archived`,`updated_at`,`id`) WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX `conversations_closed_queue` ON `conversations` (`queue_id`,`archived`,`updated_at`,`id`) WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX `conversations_closed_agent` ON `conversations` (`assigned_agent_id`,`archived`,`updated_at`,`id`) WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX `conversations_closed_guests` ON `conversations` (`archived`,`updated_at`,`id`,`participants_json`) WHERE status = 'closed' AND participants_json <> '[]';--> statement-breakpoint
CREATE INDEX `tickets_requester_email` ON `tickets` (lower("requester_email"));--> statement-breakpoint
CREATE INDEX `visitors_email` ON `visitors` (lower("email"));
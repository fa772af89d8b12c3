CREATE TABLE "agent_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"capacity" integer DEFAULT 3 NOT NULL,
	"availability" text DEFAULT 'available' NOT NULL,
	"availability_since" bigint DEFAULT 0 NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"prefs" text DEFAULT '{"sound":true,"preview":true}' NOT NULL,
	CONSTRAINT "agents_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "attachment_blobs" (
	"attachment_id" text NOT NULL,
	"part" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "attachment_blobs_attachment_id_part_pk" PRIMARY KEY("attachment_id","part")
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"uploader_kind" text NOT NULL,
	"uploader_id" text NOT NULL,
	"name" text NOT NULL,
	"mime" text NOT NULL,
	"kind" text NOT NULL,
	"size" integer NOT NULL,
	"storage_name" text NOT NULL,
	"event_seq" integer,
	"created_at" bigint NOT NULL,
	CONSTRAINT "attachments_storage_name_unique" UNIQUE("storage_name")
);
--> statement-breakpoint
CREATE TABLE "blocks" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"reason" text,
	"expires_at" bigint,
	"created_by" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "canned_replies" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"category" text NOT NULL,
	"language" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_labels" (
	"label" text NOT NULL,
	"archived" boolean NOT NULL,
	"updated_at" bigint NOT NULL,
	"conversation_id" text NOT NULL,
	CONSTRAINT "conversation_labels_label_archived_updated_at_conversation_id_pk" PRIMARY KEY("label","archived","updated_at","conversation_id")
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"visitor_id" text NOT NULL,
	"visitor_name" text,
	"status" text NOT NULL,
	"assigned_agent_id" text,
	"assigned_agent_name" text,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"last_message_text" text,
	"last_message_author_kind" text,
	"last_message_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"queue_id" text,
	"queued_at" bigint,
	"priority" integer DEFAULT 1 NOT NULL,
	"bot" boolean DEFAULT false NOT NULL,
	"offer_agent_id" text,
	"offer_agent_name" text,
	"offer_expires_at" bigint,
	"request_json" text,
	"participants_json" text DEFAULT '[]' NOT NULL,
	"labels_json" text DEFAULT '[]' NOT NULL,
	"requester_email" text,
	"wrap_up_reason" text,
	"archived" boolean DEFAULT false NOT NULL,
	"first_message_text" text,
	"agent_seen_seq" integer DEFAULT 0 NOT NULL,
	"visitor_seen_seq" integer DEFAULT 0 NOT NULL,
	"ord" bigint GENERATED ALWAYS AS IDENTITY (sequence name "conversations_ord_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);
--> statement-breakpoint
CREATE TABLE "counters" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"conversation_id" text NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"author_kind" text NOT NULL,
	"author_id" text,
	"author_name" text,
	"client_id" text,
	"text" text,
	"created_at" bigint NOT NULL,
	"data" text,
	"attachments" text,
	CONSTRAINT "events_conversation_id_seq_pk" PRIMARY KEY("conversation_id","seq")
);
--> statement-breakpoint
CREATE TABLE "queue_members" (
	"queue_id" text NOT NULL,
	"agent_id" text NOT NULL,
	CONSTRAINT "queue_members_queue_id_agent_id_pk" PRIMARY KEY("queue_id","agent_id")
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"name" text NOT NULL,
	"strategy" text NOT NULL,
	"offer_timeout_ms" integer NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"allowed_origins" text NOT NULL,
	"created_at" bigint NOT NULL,
	"default_queue_id" text,
	"bot_webhook_url" text,
	"bot_token_hash" text,
	"ticketing" text,
	"masking" text DEFAULT 'off' NOT NULL,
	"widget" text,
	"identity_secret" text,
	CONSTRAINT "sites_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "ticket_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"ticket_id" text NOT NULL,
	"kind" text NOT NULL,
	"author_id" text,
	"author_name" text,
	"text" text,
	"data" text,
	"emailed" boolean,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" text PRIMARY KEY NOT NULL,
	"number" integer NOT NULL,
	"site_id" text NOT NULL,
	"status" text NOT NULL,
	"type" text NOT NULL,
	"priority" integer NOT NULL,
	"subject" text NOT NULL,
	"description" text NOT NULL,
	"requester_name" text,
	"requester_email" text,
	"requester_visitor_id" text,
	"assignee_id" text,
	"assignee_name" text,
	"conversation_id" text,
	"source" text NOT NULL,
	"client_id" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "tickets_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "visitors" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"name" text,
	"email" text,
	"last_page_url" text,
	"last_page_title" text,
	"referrer" text,
	"user_agent" text,
	"last_seen_at" bigint,
	"created_at" bigint NOT NULL,
	"external_id" text
);
--> statement-breakpoint
CREATE TABLE "wrap_up_reasons" (
	"id" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment_blobs" ADD CONSTRAINT "attachment_blobs_attachment_id_attachments_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "attachments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_visitor_id_visitors_id_fk" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_assigned_agent_id_agents_id_fk" FOREIGN KEY ("assigned_agent_id") REFERENCES "agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_members" ADD CONSTRAINT "queue_members_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_members" ADD CONSTRAINT "queue_members_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_entries" ADD CONSTRAINT "ticket_entries_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_assignee_id_agents_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visitors" ADD CONSTRAINT "visitors_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_sessions_agent" ON "agent_sessions" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "attachments_conversation" ON "attachments" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "blocks_kind_value" ON "blocks" USING btree ("kind","value");--> statement-breakpoint
CREATE INDEX "conversation_labels_conversation" ON "conversation_labels" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "conversations_status" ON "conversations" USING btree ("status");--> statement-breakpoint
CREATE INDEX "conversations_visitor" ON "conversations" USING btree ("visitor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_one_open_per_visitor" ON "conversations" USING btree ("visitor_id") WHERE status = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_one_offer_per_agent" ON "conversations" USING btree ("offer_agent_id") WHERE offer_agent_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_assigned_active" ON "conversations" USING btree ("assigned_agent_id") WHERE status IN ('open', 'ended');--> statement-breakpoint
CREATE INDEX "conversations_queue" ON "conversations" USING btree ("queue_id");--> statement-breakpoint
CREATE INDEX "conversations_timers" ON "conversations" USING btree ("id") WHERE offer_agent_id IS NOT NULL OR request_json IS NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_waiting" ON "conversations" USING btree ("priority" DESC,coalesce("queued_at", "created_at"),"id") WHERE status = 'open' AND assigned_agent_id IS NULL AND NOT bot AND offer_agent_id IS NULL;--> statement-breakpoint
CREATE INDEX "conversations_closed" ON "conversations" USING btree ("archived","updated_at","id") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_closed_queue" ON "conversations" USING btree ("queue_id","archived","updated_at","id") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_closed_agent" ON "conversations" USING btree ("assigned_agent_id","archived","updated_at","id") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_closed_priority" ON "conversations" USING btree ("priority","archived","updated_at","id") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_closed_guests" ON "conversations" USING btree ("archived","updated_at","id") WHERE status = 'closed' AND participants_json <> '[]';--> statement-breakpoint
CREATE UNIQUE INDEX "events_conversation_client" ON "events" USING btree ("conversation_id","client_id") WHERE client_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "events_one_rating" ON "events" USING btree ("conversation_id") WHERE kind = 'rated';--> statement-breakpoint
CREATE INDEX "queue_members_agent" ON "queue_members" USING btree ("agent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "queues_site_name" ON "queues" USING btree ("site_id",lower("name"));--> statement-breakpoint
CREATE INDEX "ticket_entries_ticket" ON "ticket_entries" USING btree ("ticket_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_site_client" ON "tickets" USING btree ("site_id","client_id") WHERE client_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_status_updated" ON "tickets" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "tickets_updated" ON "tickets" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "tickets_conversation" ON "tickets" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "tickets_requester_visitor" ON "tickets" USING btree ("requester_visitor_id");--> statement-breakpoint
CREATE INDEX "tickets_requester_email" ON "tickets" USING btree (lower("requester_email"));--> statement-breakpoint
CREATE UNIQUE INDEX "visitors_site_external" ON "visitors" USING btree ("site_id","external_id") WHERE external_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "visitors_email" ON "visitors" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "wrap_up_reasons_label" ON "wrap_up_reasons" USING btree (lower("label"));
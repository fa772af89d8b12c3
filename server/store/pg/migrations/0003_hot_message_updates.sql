-- Generated from pg/schema.ts: the closed lists' indexes key on closed_updated_at (updated_at of closed rows,
-- null on live ones) instead of updated_at, so a message's update of its live conversation changes no indexed
-- column and stays HOT (PostgreSQL counts a partial index's columns whatever its WHERE). Tested in
-- pg/migrations.test.ts.
DROP INDEX "conversations_closed";--> statement-breakpoint
DROP INDEX "conversations_closed_queue";--> statement-breakpoint
DROP INDEX "conversations_closed_agent";--> statement-breakpoint
DROP INDEX "conversations_closed_priority";--> statement-breakpoint
DROP INDEX "conversations_closed_guests";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "closed_updated_at" bigint GENERATED ALWAYS AS (CASE WHEN status = 'closed' THEN updated_at END) STORED;--> statement-breakpoint
CREATE INDEX "conversations_closed" ON "conversations" USING btree ("archived","closed_updated_at","id") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_closed_queue" ON "conversations" USING btree ("queue_id","archived","closed_updated_at","id") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_closed_agent" ON "conversations" USING btree ("assigned_agent_id","archived","closed_updated_at","id") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_closed_priority" ON "conversations" USING btree ("priority","archived","closed_updated_at","id") WHERE status = 'closed';--> statement-breakpoint
CREATE INDEX "conversations_closed_guests" ON "conversations" USING btree ("archived","closed_updated_at","id") WHERE status = 'closed' AND participants_json <> '[]';
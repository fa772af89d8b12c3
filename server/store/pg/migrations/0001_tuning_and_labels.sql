-- Hand-written (drizzle-kit generate --custom): what a Drizzle schema cannot say. Tested in pg/migrations.test.ts.
-- Every message updates its conversation's row (last_seq, last message, updated_at; no indexed column while it
-- is open): with a third of each page left free that update finds room on its page and stays a HOT update,
-- which writes no index entry.
ALTER TABLE "conversations" SET (fillfactor = 70);
--> statement-breakpoint
-- Files' bytes: images and archives do not compress, and trying costs CPU on every upload (scale-out.md §2.8).
ALTER TABLE "attachment_blobs" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;
--> statement-breakpoint
-- Issue 12 (as SQLite's 0008): conversation_labels holds the labels of closed conversations, changed in the
-- statement that changes the conversation, by whichever write path. search_path is pinned to this schema's
-- at creation, so the trigger finds its table whatever the session's path.
CREATE FUNCTION "conversation_labels_sync"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM conversation_labels WHERE conversation_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status = 'closed' AND NEW.labels_json <> '[]' THEN
    INSERT INTO conversation_labels (label, archived, updated_at, conversation_id)
      SELECT e #>> '{}', NEW.archived, NEW.updated_at, NEW.id FROM jsonb_array_elements(NEW.labels_json::jsonb) e
      WHERE jsonb_typeof(e) = 'string'
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "conversation_labels_insert" AFTER INSERT ON "conversations" FOR EACH ROW
WHEN (NEW.status = 'closed' AND NEW.labels_json <> '[]') EXECUTE FUNCTION "conversation_labels_sync"();
--> statement-breakpoint
CREATE TRIGGER "conversation_labels_update" AFTER UPDATE OF status, archived, updated_at, labels_json ON "conversations" FOR EACH ROW
WHEN ((OLD.status = 'closed' AND OLD.labels_json <> '[]') OR (NEW.status = 'closed' AND NEW.labels_json <> '[]'))
EXECUTE FUNCTION "conversation_labels_sync"();
--> statement-breakpoint
CREATE TRIGGER "conversation_labels_delete" AFTER DELETE ON "conversations" FOR EACH ROW
WHEN (OLD.status = 'closed' AND OLD.labels_json <> '[]') EXECUTE FUNCTION "conversation_labels_sync"();

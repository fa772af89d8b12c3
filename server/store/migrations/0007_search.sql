-- Issue 12, SPEC S1-S3: full-text search. A custom migration (not generated from schema.ts): Drizzle's schema
-- cannot declare FTS5 tables, views or triggers, and the store reads these with raw SQL (store/sqlite/search.ts).
--
-- search_docs names each indexed text (a message or note, a conversation's visitor or labels, a ticket's
-- subject, requester or entry); search_fts is a CONTENTLESS FTS5 table (content='', contentless_delete=1)
-- keyed by search_docs.id, so no text is stored twice: the text lives only where the log keeps it, and a
-- snippet is always made from it (search_texts). Triggers keep both in the SAME transaction as the write that
-- changes a text, so a search never finds a message the log does not hold, and erasing a visitor (its
-- conversations, then its tickets, then its record) takes its texts out of the index in that transaction.
-- unicode61 remove_diacritics 2 folds case and accents: "acao" finds "ação".
CREATE TABLE `search_docs` (
	`id` integer PRIMARY KEY,
	`kind` text NOT NULL,
	`conversation_id` text,
	`seq` integer,
	`ticket_id` text,
	`entry_id` text
);
--> statement-breakpoint
CREATE INDEX `search_docs_conversation` ON `search_docs` (`conversation_id`, `seq`) WHERE conversation_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX `search_docs_ticket` ON `search_docs` (`ticket_id`, `entry_id`) WHERE ticket_id IS NOT NULL;
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_fts` USING fts5(`text`, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
-- The one definition of what each document's text is: the index is fed from it and snippets are cut from it.
CREATE VIEW `search_texts` AS SELECT d.id AS id, CASE d.kind
	WHEN 'message' THEN (SELECT e.text FROM events e WHERE e.conversation_id = d.conversation_id AND e.seq = d.seq)
	WHEN 'visitor' THEN (SELECT concat_ws(' ', coalesce(c.visitor_name, v.name), coalesce(c.requester_email, v.email))
		FROM conversations c LEFT JOIN visitors v ON v.id = c.visitor_id WHERE c.id = d.conversation_id)
	WHEN 'label' THEN (SELECT group_concat(j.value, ' ') FROM conversations c, json_each(c.labels_json) j WHERE c.id = d.conversation_id)
	WHEN 'subject' THEN (SELECT t.subject || char(10) || t.description FROM tickets t WHERE t.id = d.ticket_id)
	WHEN 'requester' THEN (SELECT concat_ws(' ', t.requester_name, t.requester_email) FROM tickets t WHERE t.id = d.ticket_id)
	WHEN 'entry' THEN (SELECT x.text FROM ticket_entries x WHERE x.id = d.entry_id)
END AS text FROM search_docs d;
--> statement-breakpoint
CREATE TRIGGER `search_docs_ai` AFTER INSERT ON `search_docs` BEGIN
	INSERT INTO search_fts (rowid, text) SELECT id, text FROM search_texts WHERE id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `search_docs_ad` AFTER DELETE ON `search_docs` BEGIN
	DELETE FROM search_fts WHERE rowid = old.id;
END;
--> statement-breakpoint
-- Messages and notes (agents search their own notes; visitors never search). Events are append-only: no update trigger.
CREATE TRIGGER `search_events_ai` AFTER INSERT ON `events` WHEN new.kind IN ('message', 'note') AND new.text IS NOT NULL AND new.text <> '' BEGIN
	INSERT INTO search_docs (kind, conversation_id, seq) VALUES ('message', new.conversation_id, new.seq);
END;
--> statement-breakpoint
CREATE TRIGGER `search_events_ad` AFTER DELETE ON `events` WHEN old.kind IN ('message', 'note') BEGIN
	DELETE FROM search_docs WHERE conversation_id = old.conversation_id AND seq = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `search_conversations_ai` AFTER INSERT ON `conversations` BEGIN
	INSERT INTO search_docs (kind, conversation_id) SELECT 'visitor', new.id
		WHERE coalesce(new.visitor_name, new.requester_email, (SELECT coalesce(v.name, v.email) FROM visitors v WHERE v.id = new.visitor_id)) IS NOT NULL;
	INSERT INTO search_docs (kind, conversation_id) SELECT 'label', new.id WHERE new.labels_json <> '[]';
END;
--> statement-breakpoint
CREATE TRIGGER `search_conversations_visitor` AFTER UPDATE OF visitor_name, requester_email ON `conversations`
	WHEN old.visitor_name IS NOT new.visitor_name OR old.requester_email IS NOT new.requester_email BEGIN
	DELETE FROM search_docs WHERE conversation_id = new.id AND seq IS NULL AND kind = 'visitor';
	INSERT INTO search_docs (kind, conversation_id) SELECT 'visitor', new.id
		WHERE coalesce(new.visitor_name, new.requester_email, (SELECT coalesce(v.name, v.email) FROM visitors v WHERE v.id = new.visitor_id)) IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `search_conversations_labels` AFTER UPDATE OF labels_json ON `conversations` WHEN old.labels_json IS NOT new.labels_json BEGIN
	DELETE FROM search_docs WHERE conversation_id = new.id AND seq IS NULL AND kind = 'label';
	INSERT INTO search_docs (kind, conversation_id) SELECT 'label', new.id WHERE new.labels_json <> '[]';
END;
--> statement-breakpoint
CREATE TRIGGER `search_conversations_ad` AFTER DELETE ON `conversations` BEGIN
	DELETE FROM search_docs WHERE conversation_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `search_visitors_au` AFTER UPDATE OF name, email ON `visitors` WHEN old.name IS NOT new.name OR old.email IS NOT new.email BEGIN
	DELETE FROM search_docs WHERE seq IS NULL AND kind = 'visitor' AND conversation_id IN (SELECT c.id FROM conversations c WHERE c.visitor_id = new.id);
	INSERT INTO search_docs (kind, conversation_id) SELECT 'visitor', c.id FROM conversations c
		WHERE c.visitor_id = new.id AND coalesce(c.visitor_name, c.requester_email, new.name, new.email) IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `search_tickets_ai` AFTER INSERT ON `tickets` BEGIN
	INSERT INTO search_docs (kind, ticket_id) VALUES ('subject', new.id);
	INSERT INTO search_docs (kind, ticket_id) SELECT 'requester', new.id WHERE coalesce(new.requester_name, new.requester_email) IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `search_tickets_subject` AFTER UPDATE OF subject, description ON `tickets`
	WHEN old.subject IS NOT new.subject OR old.description IS NOT new.description BEGIN
	DELETE FROM search_docs WHERE ticket_id = new.id AND entry_id IS NULL AND kind = 'subject';
	INSERT INTO search_docs (kind, ticket_id) VALUES ('subject', new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `search_tickets_requester` AFTER UPDATE OF requester_name, requester_email ON `tickets`
	WHEN old.requester_name IS NOT new.requester_name OR old.requester_email IS NOT new.requester_email BEGIN
	DELETE FROM search_docs WHERE ticket_id = new.id AND entry_id IS NULL AND kind = 'requester';
	INSERT INTO search_docs (kind, ticket_id) SELECT 'requester', new.id WHERE coalesce(new.requester_name, new.requester_email) IS NOT NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `search_tickets_ad` AFTER DELETE ON `tickets` BEGIN
	DELETE FROM search_docs WHERE ticket_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `search_entries_ai` AFTER INSERT ON `ticket_entries` WHEN new.text IS NOT NULL AND new.text <> '' BEGIN
	INSERT INTO search_docs (kind, ticket_id, entry_id) VALUES ('entry', new.ticket_id, new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `search_entries_ad` AFTER DELETE ON `ticket_entries` BEGIN
	DELETE FROM search_docs WHERE ticket_id = old.ticket_id AND entry_id = old.id;
END;
--> statement-breakpoint
-- What the database already holds, oldest first (the ids' order serves recency as the ranking's tie-break).
INSERT INTO search_docs (kind, conversation_id, seq) SELECT 'message', conversation_id, seq FROM events
	WHERE kind IN ('message', 'note') AND text IS NOT NULL AND text <> '' ORDER BY created_at, conversation_id, seq;
--> statement-breakpoint
INSERT INTO search_docs (kind, conversation_id) SELECT 'visitor', c.id FROM conversations c LEFT JOIN visitors v ON v.id = c.visitor_id
	WHERE coalesce(c.visitor_name, c.requester_email, v.name, v.email) IS NOT NULL ORDER BY c.updated_at, c.id;
--> statement-breakpoint
INSERT INTO search_docs (kind, conversation_id) SELECT 'label', id FROM conversations WHERE labels_json <> '[]' ORDER BY updated_at, id;
--> statement-breakpoint
INSERT INTO search_docs (kind, ticket_id) SELECT 'subject', id FROM tickets ORDER BY updated_at, id;
--> statement-breakpoint
INSERT INTO search_docs (kind, ticket_id) SELECT 'requester', id FROM tickets WHERE coalesce(requester_name, requester_email) IS NOT NULL ORDER BY updated_at, id;
--> statement-breakpoint
INSERT INTO search_docs (kind, ticket_id, entry_id) SELECT 'entry', ticket_id, id FROM ticket_entries WHERE text IS NOT NULL AND text <> '' ORDER BY created_at, id;

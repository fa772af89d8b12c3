-- Issue 14, SPEC S1-S3 on PostgreSQL: full-text search, the counterpart of SQLite's 0007_search.sql. A custom
-- migration (not generated from schema.ts): Drizzle's schema cannot declare functions or triggers, and the
-- store reads these with raw SQL (store/pg/search.ts).
--
-- Words are cut and folded by SPEC S2's rule (shared/search-text.ts): a run of letters and digits, case and
-- accents aside. Not by a text search configuration: the default parser keeps "ana@example.com",
-- "empresa.com", "e-mail" or "1.5" as one token each, where S2 (and SQLite's unicode61) has two or three words,
-- and a stemming configuration (portuguese) would find "pedidos" for "pedido" and drop "de" or "nada" as stop
-- words, so hits would carry no marked word (domain snippetOf, rankScores, matchesAll all match folded words
-- exactly). papo_words cuts with [[:alnum:]] (Unicode classes under the database's UTF-8 ctype) after
-- unaccent and lower(), then puts each word in NFD without combining accents, as the domain's foldWord does
-- (Hangul syllables come out as their jamo there too); array_to_tsvector keeps the words as they are. A word
-- is kept to its first 100 characters: a lexeme may not pass 2,047 bytes, and query words are at most 64
-- (MAX_TERM_LENGTH), so the cut changes no match. Known difference: unaccent spells a few letters out that
-- NFD keeps ("ß" as "ss", "ø" as "o", "œ" as "oe"); the query's words are folded here the same way, so
-- "straße" still finds "Straße" (and so does "strasse", which SQLite would not find). The unaccent extension
-- is created in public by driver.ts migratePg, before the migrations.
--
-- The trigger and text functions pin search_path to this schema's at creation (as 0001's), so the triggers
-- find their tables whatever the session's path.
--
-- IMMUTABLE although unaccent() is STABLE (its rules file could change): the usual wrapper, so a query's words
-- are folded once per statement and never per row. PL/pgSQL, each step only when the text needs it: the first
-- version (one SQL statement, regexp_matches and normalize() per word) cost 1.3 ms a text on this machine,
-- this one 0.05 ms, most of it the split. These three functions pin no search_path (that would keep PostgreSQL
-- from inlining papo_vector into the triggers' statements): they name public.unaccent, and their callers' paths
-- (the triggers' pinned one, the store's connections') find papo_words.
CREATE FUNCTION papo_words(t text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	f text;
BEGIN
	IF NOT (t IS NFC NORMALIZED) THEN
		t := normalize(t, NFC);
	END IF;
	f := lower(public.unaccent('public.unaccent'::regdictionary, t));
	-- Letters unaccent leaves (Hangul, rarer accents): NFD without combining accents, as foldWord.
	IF octet_length(f) <> length(f) THEN
		f := regexp_replace(normalize(f, NFD), '[\u0300-\u036f]+', '', 'g');
	END IF;
	IF length(f) > 100 THEN
		f := regexp_replace(f, '([[:alnum:]]{100})[[:alnum:]]+', '\1', 'g');
	END IF;
	RETURN array_remove(regexp_split_to_array(f, '[^[:alnum:]]+'), '');
END $$;
--> statement-breakpoint
CREATE FUNCTION papo_vector(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT array_to_tsvector(coalesce(papo_words(t), '{}'))
$$;
--> statement-breakpoint
-- SPEC S2: every word required, the last one (when `prefix`) also as the start of a word. The words are folded
-- here as the texts were (a query word the domain folds otherwise, such as "ß", still meets its texts).
-- NULL when the query holds no word.
CREATE FUNCTION papo_query(q text, prefix boolean) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT string_agg('''' || w.w || '''' || CASE WHEN prefix AND w.i = w.n THEN ':*' ELSE '' END, ' & ' ORDER BY w.i)::tsquery
	FROM (SELECT x.w, x.i, count(*) OVER () AS n FROM unnest(papo_words(q)) WITH ORDINALITY AS x(w, i)) w
$$;
--> statement-breakpoint
-- search_docs names each indexed text (a message or note, a conversation's visitor or labels, a ticket's
-- subject, requester or one entry) with its words; the text itself lives only where the log keeps it (snippets
-- are cut from it: search.ts). The id is the keyset position a search pages by, newest first, never reused
-- (an identity never goes back). Triggers below keep it in the SAME transaction as the write that changes a
-- text, whichever path writes it, so a search never finds a text the store does not hold.
CREATE TABLE search_docs (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind text NOT NULL,
	conversation_id text,
	seq integer,
	ticket_id text,
	entry_id text,
	words tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX search_docs_words ON search_docs USING gin (words);
--> statement-breakpoint
-- The ticket list's text filter (GET /tickets?q=) matches only a ticket's subject and requester: an index of
-- those alone, so it never reads the postings of every message holding the word (SQLite: search_tickets_fts).
CREATE INDEX search_docs_ticket_words ON search_docs USING gin (words) WHERE kind IN ('subject', 'requester');
--> statement-breakpoint
CREATE INDEX search_docs_conversation ON search_docs (conversation_id, seq) WHERE conversation_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX search_docs_ticket ON search_docs (ticket_id, entry_id) WHERE ticket_id IS NOT NULL;
--> statement-breakpoint
-- The one definition of each kind's text: the triggers index it and search.ts cuts snippets from it.
CREATE FUNCTION search_visitor_text(conversation text) RETURNS text LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
	SELECT concat_ws(' ', coalesce(c.visitor_name, v.name), coalesce(c.requester_email, v.email))
	FROM conversations c LEFT JOIN visitors v ON v.id = c.visitor_id WHERE c.id = conversation
	AND coalesce(c.visitor_name, c.requester_email, v.name, v.email) IS NOT NULL
$$;
--> statement-breakpoint
CREATE FUNCTION search_label_text(labels text) RETURNS text LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
	SELECT string_agg(j.value, ' ' ORDER BY j.i) FROM jsonb_array_elements_text(labels::jsonb) WITH ORDINALITY AS j(value, i)
$$;
--> statement-breakpoint
CREATE FUNCTION search_requester_text(name text, email text) RETURNS text LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
	SELECT nullif(concat_ws(' ', name, email), '')
$$;
--> statement-breakpoint
CREATE VIEW search_texts AS SELECT d.id, CASE d.kind
	WHEN 'message' THEN (SELECT e.text FROM events e WHERE e.conversation_id = d.conversation_id AND e.seq = d.seq)
	WHEN 'visitor' THEN search_visitor_text(d.conversation_id)
	WHEN 'label' THEN (SELECT search_label_text(c.labels_json) FROM conversations c WHERE c.id = d.conversation_id)
	WHEN 'subject' THEN (SELECT t.subject || chr(10) || t.description FROM tickets t WHERE t.id = d.ticket_id)
	WHEN 'requester' THEN (SELECT search_requester_text(t.requester_name, t.requester_email) FROM tickets t WHERE t.id = d.ticket_id)
	WHEN 'entry' THEN (SELECT x.text FROM ticket_entries x WHERE x.id = d.entry_id)
END AS text FROM search_docs d;
--> statement-breakpoint
-- Messages and notes (agents search their own notes; visitors never search). One statement per INSERT
-- statement (a transition table), so a group commit's multi-row insert indexes its messages in one pass.
-- Events are append-only: no update trigger.
CREATE FUNCTION search_events_ai() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	INSERT INTO search_docs (kind, conversation_id, seq, words)
		SELECT 'message', n.conversation_id, n.seq, papo_vector(n.text) FROM new_rows n
		WHERE n.kind IN ('message', 'note') AND n.text IS NOT NULL AND n.text <> '';
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_events_ai AFTER INSERT ON events REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION search_events_ai();
--> statement-breakpoint
CREATE FUNCTION search_events_ad() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs d USING old_rows o
		WHERE o.kind IN ('message', 'note') AND d.conversation_id = o.conversation_id AND d.seq = o.seq;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_events_ad AFTER DELETE ON events REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION search_events_ad();
--> statement-breakpoint
CREATE FUNCTION search_conversations_ai() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	INSERT INTO search_docs (kind, conversation_id, words)
		SELECT x.kind, x.id, papo_vector(x.text) FROM new_rows n
		CROSS JOIN LATERAL (VALUES (1, 'visitor', n.id, search_visitor_text(n.id)),
			(2, 'label', n.id, CASE WHEN n.labels_json <> '[]' THEN search_label_text(n.labels_json) END)) AS x(o, kind, id, text)
		WHERE x.text IS NOT NULL ORDER BY n.ord, x.o;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_conversations_ai AFTER INSERT ON conversations REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION search_conversations_ai();
--> statement-breakpoint
-- Row triggers with a WHEN: a conversation row changes with every message, and the WHEN, checked without
-- calling any function, keeps that update free of search work unless the visitor or the labels changed.
CREATE FUNCTION search_conversations_visitor() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs WHERE conversation_id = NEW.id AND seq IS NULL AND kind = 'visitor';
	INSERT INTO search_docs (kind, conversation_id, words)
		SELECT 'visitor', NEW.id, papo_vector(t.text) FROM search_visitor_text(NEW.id) AS t(text) WHERE t.text IS NOT NULL;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_conversations_visitor AFTER UPDATE ON conversations FOR EACH ROW
	WHEN (OLD.visitor_name IS DISTINCT FROM NEW.visitor_name OR OLD.requester_email IS DISTINCT FROM NEW.requester_email)
	EXECUTE FUNCTION search_conversations_visitor();
--> statement-breakpoint
CREATE FUNCTION search_conversations_labels() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs WHERE conversation_id = NEW.id AND seq IS NULL AND kind = 'label';
	IF NEW.labels_json <> '[]' THEN
		INSERT INTO search_docs (kind, conversation_id, words) VALUES ('label', NEW.id, papo_vector(search_label_text(NEW.labels_json)));
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_conversations_labels AFTER UPDATE ON conversations FOR EACH ROW
	WHEN (OLD.labels_json IS DISTINCT FROM NEW.labels_json)
	EXECUTE FUNCTION search_conversations_labels();
--> statement-breakpoint
CREATE FUNCTION search_conversations_ad() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs d USING old_rows o WHERE d.conversation_id = o.id;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_conversations_ad AFTER DELETE ON conversations REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION search_conversations_ad();
--> statement-breakpoint
CREATE FUNCTION search_visitors_au() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs d USING conversations c
		WHERE c.visitor_id = NEW.id AND d.conversation_id = c.id AND d.seq IS NULL AND d.kind = 'visitor';
	INSERT INTO search_docs (kind, conversation_id, words)
		SELECT 'visitor', c.id, papo_vector(t.text) FROM conversations c CROSS JOIN LATERAL search_visitor_text(c.id) AS t(text)
		WHERE c.visitor_id = NEW.id AND t.text IS NOT NULL ORDER BY c.ord;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_visitors_au AFTER UPDATE ON visitors FOR EACH ROW
	WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
	EXECUTE FUNCTION search_visitors_au();
--> statement-breakpoint
CREATE FUNCTION search_tickets_ai() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	INSERT INTO search_docs (kind, ticket_id, words)
		SELECT x.kind, n.id, papo_vector(x.text) FROM new_rows n
		CROSS JOIN LATERAL (VALUES (1, 'subject', n.subject || chr(10) || n.description),
			(2, 'requester', search_requester_text(n.requester_name, n.requester_email))) AS x(o, kind, text)
		WHERE x.text IS NOT NULL ORDER BY n.number, x.o;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_tickets_ai AFTER INSERT ON tickets REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION search_tickets_ai();
--> statement-breakpoint
CREATE FUNCTION search_tickets_subject() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs WHERE ticket_id = NEW.id AND entry_id IS NULL AND kind = 'subject';
	INSERT INTO search_docs (kind, ticket_id, words) VALUES ('subject', NEW.id, papo_vector(NEW.subject || chr(10) || NEW.description));
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_tickets_subject AFTER UPDATE ON tickets FOR EACH ROW
	WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.description IS DISTINCT FROM NEW.description)
	EXECUTE FUNCTION search_tickets_subject();
--> statement-breakpoint
CREATE FUNCTION search_tickets_requester() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs WHERE ticket_id = NEW.id AND entry_id IS NULL AND kind = 'requester';
	INSERT INTO search_docs (kind, ticket_id, words)
		SELECT 'requester', NEW.id, papo_vector(t.text) FROM search_requester_text(NEW.requester_name, NEW.requester_email) AS t(text)
		WHERE t.text IS NOT NULL;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_tickets_requester AFTER UPDATE ON tickets FOR EACH ROW
	WHEN (OLD.requester_name IS DISTINCT FROM NEW.requester_name OR OLD.requester_email IS DISTINCT FROM NEW.requester_email)
	EXECUTE FUNCTION search_tickets_requester();
--> statement-breakpoint
CREATE FUNCTION search_tickets_ad() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs d USING old_rows o WHERE d.ticket_id = o.id;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_tickets_ad AFTER DELETE ON tickets REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION search_tickets_ad();
--> statement-breakpoint
CREATE FUNCTION search_entries_ai() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	INSERT INTO search_docs (kind, ticket_id, entry_id, words)
		SELECT 'entry', n.ticket_id, n.id, papo_vector(n.text) FROM new_rows n WHERE n.text IS NOT NULL AND n.text <> '';
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_entries_ai AFTER INSERT ON ticket_entries REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION search_entries_ai();
--> statement-breakpoint
CREATE FUNCTION search_entries_ad() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM search_docs d USING old_rows o WHERE d.ticket_id = o.ticket_id AND d.entry_id = o.id;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_entries_ad AFTER DELETE ON ticket_entries REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION search_entries_ad();
--> statement-breakpoint
-- What the database already holds (none on a new database), in the order of its time, as SQLite's 0007 does.
INSERT INTO search_docs (kind, conversation_id, seq, ticket_id, entry_id, words)
SELECT s.kind, s.conversation_id, s.seq, s.ticket_id, s.entry_id, papo_vector(s.text) FROM (
	SELECT 'message' AS kind, conversation_id, seq, NULL::text AS ticket_id, NULL::text AS entry_id, text, created_at AS at FROM events
		WHERE kind IN ('message', 'note') AND text IS NOT NULL AND text <> ''
	UNION ALL
	SELECT 'visitor', c.id, NULL, NULL, NULL, search_visitor_text(c.id), c.updated_at FROM conversations c
	UNION ALL
	SELECT 'label', id, NULL, NULL, NULL, search_label_text(labels_json), updated_at FROM conversations WHERE labels_json <> '[]'
	UNION ALL
	SELECT 'subject', NULL, NULL, id, NULL, subject || chr(10) || description, updated_at FROM tickets
	UNION ALL
	SELECT 'requester', NULL, NULL, id, NULL, search_requester_text(requester_name, requester_email), updated_at FROM tickets
	UNION ALL
	SELECT 'entry', NULL, NULL, ticket_id, id, text, created_at FROM ticket_entries WHERE text IS NOT NULL AND text <> ''
) s WHERE s.text IS NOT NULL ORDER BY s.at, s.kind, coalesce(s.conversation_id, s.ticket_id), s.seq, s.entry_id;

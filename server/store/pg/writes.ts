/**
 * @module The conversation write path on PostgreSQL (issue 14): one group of writes (a run of a batch, see
 * committer.ts) is read under locks, decided in JS in submit order, then written with a few multi-row
 * statements, all inside the committer's transaction. Several nodes write to one database, so what SQLite got
 * from its single writer is taken explicitly here (scale-out.md §2.2):
 * - the conversations' rows are locked, sorted by id (two nodes' batches cannot deadlock on them), so each seq
 *   is the locked row's `last_seq + 1` (SPEC D1) and each rule decides on committed state (C4). `FOR NO KEY
 *   UPDATE`, the lock an UPDATE of non-key columns takes: an upload's insert (its foreign key's KEY SHARE) does
 *   not wait for the batch;
 * - a visitor's open conversation (C3) is looked for, and started, under an advisory lock on the visitor;
 * - an agent's load (R1) is counted under an advisory lock on the agent, so two nodes' claims stop at capacity;
 * - the idempotency lookups (D3) run after those locks, so they see what another node committed before.
 * Jobs of one conversation share one in-memory row (job 2 decides on job 1's effects, SQLite's read-your-writes)
 * and `loadOf` counts the earlier decisions of the group. The unique indexes stay as the backstop; their
 * violations are mapped by the committer.
 */
import pg from 'pg';
import type { ConversationEvent, ConversationSummary } from '../../../shared/protocol';
import { createdEvent, type NewEvent } from '../../domain/conversation';
import type { AttachmentRecord } from '../../domain/attachments';
import type { WriteOutcome, WriteReads, WriteRequest } from '../store';
import { applyPatch, freshRow, toConversation, toState, type ConversationRow } from '../sqlite/rows';
import { advisoryKey, ADVISORY_KEY_SQL } from './driver';
import { toAttachmentRecord, type PgAttachmentRow } from './rows';

/** What the committer runs through here: a conversation write, or a seen mark (SPEC W2), with its outcome. */
export type WriteOp =
  | { kind: 'write'; request: WriteRequest }
  | { kind: 'seen'; id: string; by: 'agent' | 'visitor'; seq: number };

export interface WriteJob {
  op: WriteOp;
  /** The outcome, or the error a rule threw (`failed`). */
  value: unknown;
  failed: boolean;
}

export type SeenOutcome = { seq: number; conversation: ConversationSummary } | null;

/** int8 as JS numbers in this module's queries whatever the process's global parsers (ms times, counts). */
const TYPES = {
  getTypeParser: (oid: number, format?: string) => (oid === 20 ? Number : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format)),
} as unknown as pg.CustomTypesConfig;

/**
 * The columns of a ConversationRow. Booleans come back as 0/1 from the database, the shape SQLite's rows have,
 * so the mapping (toState, toConversation: ./rows.ts shares SQLite's) needs no pass over each row, and the 0/1
 * written back parses as boolean in json_populate_recordset.
 */
const COLUMNS = `id, site_id, visitor_id, visitor_name, status, assigned_agent_id, assigned_agent_name, last_seq,
  last_message_text, last_message_author_kind, last_message_at, created_at, updated_at, queue_id, queued_at, priority,
  bot::int AS bot, offer_agent_id, offer_agent_name, offer_expires_at, request_json, participants_json, labels_json,
  requester_email, wrap_up_reason, archived::int AS archived, first_message_text, agent_seen_seq, visitor_seen_seq,
  proactive::int AS proactive`;

/** Every column a write changes (all of ConversationRow but id and the ones fixed at creation). */
const CHANGED = [
  'visitor_name', 'status', 'assigned_agent_id', 'assigned_agent_name', 'last_seq', 'last_message_text',
  'last_message_author_kind', 'last_message_at', 'updated_at', 'queue_id', 'queued_at', 'priority', 'bot',
  'offer_agent_id', 'offer_agent_name', 'offer_expires_at', 'request_json', 'participants_json', 'labels_json',
  'requester_email', 'wrap_up_reason', 'archived', 'first_message_text', 'agent_seen_seq', 'visitor_seen_seq',
  'proactive',
] as const;
const INSERTED = ['id', 'site_id', 'visitor_id', 'created_at', ...CHANGED] as const;

const SQL = {
  /** SPEC C3: the advisory locks of the visitors whose open conversation the group looks for, sorted. */
  lockVisitors: `SELECT count(pg_advisory_xact_lock(h)) FROM
    (SELECT DISTINCT ${ADVISORY_KEY_SQL.replace('$1', 'k')} AS h FROM unnest($1::text[]) k ORDER BY h) s`,
  openOf: `SELECT id FROM conversations WHERE visitor_id = ANY($1::text[]) AND status = 'open'`,
  lockRows: `SELECT ${COLUMNS} FROM conversations WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE`,
  rows: `SELECT ${COLUMNS} FROM conversations WHERE id = ANY($1::text[])`,
  /**
   * SPEC D3 in the named conversations: one probe of the partial unique index per key (the LATERAL's LIMIT keeps
   * the planner from joining the whole events table, which it chose for a plain join: 160 ms for 500 keys).
   */
  storedInConversation: `SELECT k.c AS conversation_id, k.cl AS client_id, e.seq FROM unnest($1::text[], $2::text[]) k(c, cl)
    CROSS JOIN LATERAL (SELECT seq FROM events WHERE conversation_id = k.c AND client_id = k.cl AND client_id IS NOT NULL LIMIT 1) e`,
  /** SPEC D3 without a conversation id: in any of the visitor's conversations, closed ones too. */
  storedForVisitor: `SELECT k.v AS visitor_id, k.cl AS client_id, e.conversation_id, e.seq FROM unnest($1::text[], $2::text[]) k(v, cl)
    CROSS JOIN LATERAL (SELECT e.conversation_id, e.seq FROM conversations c
      JOIN events e ON e.conversation_id = c.id AND e.client_id = k.cl AND e.client_id IS NOT NULL
      WHERE c.visitor_id = k.v LIMIT 1) e`,
  attachments: `SELECT id, site_id, conversation_id, uploader_kind, uploader_id, name, mime, kind, size, storage_name,
    event_seq, created_at FROM attachments WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
  /** SPEC R1/C4: agents' loads, each under its advisory lock (sorted) so concurrent claims on two nodes queue. */
  lockAgents: `SELECT count(pg_advisory_xact_lock(h)) FROM
    (SELECT DISTINCT ${ADVISORY_KEY_SQL.replace('$1', 'k')} AS h FROM unnest($1::text[]) k ORDER BY h) s`,
  loads: `SELECT assigned_agent_id AS agent, count(*)::int AS n FROM conversations
    WHERE assigned_agent_id = ANY($1::text[]) AND status IN ('open', 'ended') AND status = 'open' GROUP BY assigned_agent_id`,
  insertVisitors: `INSERT INTO visitors (id, site_id, created_at)
    SELECT DISTINCT ON (id) id, site_id, created_at FROM json_populate_recordset(null::visitors, $1) ON CONFLICT (id) DO NOTHING`,
  /**
   * Most groups are messages, which move only what appending moves (and seen marks): those rows' progress and
   * the events in one statement, one round trip fewer on the hot path. The events' foreign key is checked at the
   * statement's end, after the update.
   */
  progressAndEvents: `WITH progress AS (UPDATE conversations c SET last_seq = v.last_seq, last_message_text = v.last_message_text,
      last_message_author_kind = v.last_message_author_kind, last_message_at = v.last_message_at,
      first_message_text = v.first_message_text, updated_at = v.updated_at, agent_seen_seq = v.agent_seen_seq,
      visitor_seen_seq = v.visitor_seen_seq
    FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::int[], $9::int[])
      v(id, last_seq, last_message_text, last_message_author_kind, last_message_at, first_message_text, updated_at, agent_seen_seq, visitor_seen_seq)
    WHERE c.id = v.id RETURNING 1)
  INSERT INTO events (conversation_id, seq, kind, author_kind, author_id, author_name, client_id, text, created_at, data, attachments)
    SELECT * FROM unnest($10::text[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::bigint[], $19::text[], $20::text[])`,
  update: `UPDATE conversations c SET ${CHANGED.map((k) => `${k} = v.${k}`).join(', ')}
    FROM json_populate_recordset(null::conversations, $1) v WHERE c.id = v.id`,
  insert: `INSERT INTO conversations (${INSERTED.join(', ')})
    SELECT ${INSERTED.join(', ')} FROM json_populate_recordset(null::conversations, $1)`,
  markSent: `UPDATE attachments a SET event_seq = v.seq FROM unnest($1::text[], $2::int[], $3::text[]) v(id, seq, conversation_id)
    WHERE a.id = v.id AND a.conversation_id = v.conversation_id AND a.event_seq IS NULL`,
};

/** Each statement is prepared once per connection (named), planned once, run with new arrays each time. */
function query<R extends pg.QueryResultRow>(client: pg.ClientBase, name: keyof typeof SQL, values: unknown[]): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: `papo_w_${name}`, text: SQL[name], values, types: TYPES });
}

/** A pass met an agent whose load it has not read: it is run again once that is read (under its lock). */
class NeedLoads {
  constructor(readonly agentIds: readonly string[]) {}
}

const key = (a: string, b: string): string => `${a}\u0000${b}`;

/** What the group read under its locks; each pass decides on copies of it. */
interface Snapshot {
  rows: Map<string, ConversationRow>;
  /** Conversations a D3 duplicate points at that are not locked (another of the visitor's, a closed one). */
  homes: Map<string, ConversationRow>;
  /** `conversationId\0clientId` -> seq. */
  storedInConversation: Map<string, number>;
  /** `visitorId\0clientId` -> where it is stored. */
  storedForVisitor: Map<string, { conversationId: string; seq: number }>;
  attachments: Map<string, AttachmentRecord>;
  /** Agents' loads as committed (read under their locks); grows as passes meet new agents. */
  loads: Map<string, number>;
}

/** What one pass decided: the statements to run, and the events appended. */
interface Pass {
  rows: Map<string, ConversationRow>;
  created: Set<ConversationRow>;
  changed: Set<ConversationRow>;
  /** Changed rows a decision patched (state columns): written whole; the others only their progress. */
  patched: Set<ConversationRow>;
  openOf: Map<string, string>;
  storedInConversation: Map<string, number>;
  storedForVisitor: Map<string, { conversationId: string; seq: number }>;
  attachments: Map<string, AttachmentRecord>;
  loadDelta: Map<string, number>;
  visitors: Array<{ id: string; site_id: string; created_at: number }>;
  events: ConversationEvent[];
  sent: { ids: string[]; seqs: number[]; conversations: string[] };
}

/**
 * Runs `jobs` (in submit order) inside the caller's open transaction: reads under locks, decides, writes.
 * Sets each job's outcome (a rule that throws fails its job alone: nothing of it is written); a database
 * error is thrown (the committer rolls back and runs the batch again, one savepoint per job). Answers the
 * events appended, once written.
 *
 * @example const appended = await applyWrites(client, 'public', jobs)
 */
export async function applyWrites(client: pg.ClientBase, schema: string, jobs: readonly WriteJob[]): Promise<ConversationEvent[]> {
  const snapshot = await read(client, schema, jobs);
  for (;;) {
    const pass = decideAll(snapshot, jobs);
    if (pass instanceof NeedLoads) {
      await readLoads(client, schema, snapshot, pass.agentIds);
      continue;
    }
    await writePass(client, pass);
    return pass.events;
  }
}

async function read(client: pg.ClientBase, schema: string, jobs: readonly WriteJob[]): Promise<Snapshot> {
  const ids = new Set<string>();
  const visitors = new Set<string>();
  const attachmentIds = new Set<string>();
  for (const { op } of jobs) {
    if (op.kind === 'seen') ids.add(op.id);
    else if (op.request.conversationId !== null) ids.add(op.request.conversationId);
    else if (op.request.visitor) visitors.add(op.request.visitor.visitorId);
    if (op.kind === 'write') for (const id of op.request.attachmentIds ?? []) attachmentIds.add(id);
  }
  // SPEC C3: the visitor locks first, then their open conversations are looked for; no node starts one for a
  // locked visitor meanwhile, and the rows found are locked below with the others.
  if (visitors.size > 0) {
    const list = [...visitors];
    await query(client, 'lockVisitors', [list.map((id) => advisoryKey(schema, `visitor:${id}`))]);
    for (const r of (await query<{ id: string }>(client, 'openOf', [list])).rows) ids.add(r.id);
  }
  const rows = new Map<string, ConversationRow>();
  if (ids.size > 0) for (const r of (await query<ConversationRow>(client, 'lockRows', [[...ids]])).rows) rows.set(r.id, r);

  // SPEC D3, after the locks: a new statement sees what another node committed before this group got them.
  const storedInConversation = new Map<string, number>();
  const storedForVisitor = new Map<string, { conversationId: string; seq: number }>();
  const byConversation: [string[], string[]] = [[], []];
  const byVisitor: [string[], string[]] = [[], []];
  for (const { op } of jobs) {
    if (op.kind !== 'write' || op.request.clientId === null) continue;
    const { conversationId, visitor, clientId } = op.request;
    if (conversationId !== null) {
      if (!rows.has(conversationId)) continue;
      byConversation[0].push(conversationId);
      byConversation[1].push(clientId);
    } else if (visitor) {
      byVisitor[0].push(visitor.visitorId);
      byVisitor[1].push(clientId);
    }
  }
  if (byConversation[0].length > 0) {
    const found = await query<{ conversation_id: string; client_id: string; seq: number }>(client, 'storedInConversation', byConversation);
    for (const r of found.rows) storedInConversation.set(key(r.conversation_id, r.client_id), r.seq);
  }
  const homes = new Map<string, ConversationRow>();
  if (byVisitor[0].length > 0) {
    const found = await query<{ visitor_id: string; client_id: string; conversation_id: string; seq: number }>(client, 'storedForVisitor', byVisitor);
    const missing = new Set<string>();
    for (const r of found.rows) {
      storedForVisitor.set(key(r.visitor_id, r.client_id), { conversationId: r.conversation_id, seq: r.seq });
      if (!rows.has(r.conversation_id)) missing.add(r.conversation_id);
    }
    if (missing.size > 0) for (const r of (await query<ConversationRow>(client, 'rows', [[...missing]])).rows) homes.set(r.id, r);
  }

  const attachments = new Map<string, AttachmentRecord>();
  if (attachmentIds.size > 0) {
    for (const r of (await query<PgAttachmentRow>(client, 'attachments', [[...attachmentIds]])).rows) attachments.set(r.id, toAttachmentRecord(r));
  }
  return { rows, homes, storedInConversation, storedForVisitor, attachments, loads: new Map() };
}

async function readLoads(client: pg.ClientBase, schema: string, snapshot: Snapshot, agentIds: readonly string[]): Promise<void> {
  await query(client, 'lockAgents', [agentIds.map((id) => advisoryKey(schema, `agent:${id}`))]);
  for (const id of agentIds) snapshot.loads.set(id, 0);
  for (const r of (await query<{ agent: string; n: number }>(client, 'loads', [agentIds])).rows) snapshot.loads.set(r.agent, r.n);
}

/** One pass over the jobs, on copies of the snapshot; NeedLoads when a rule asked for a load not read yet. */
function decideAll(snapshot: Snapshot, jobs: readonly WriteJob[]): Pass | NeedLoads {
  const pass: Pass = {
    rows: new Map(),
    created: new Set(),
    changed: new Set(),
    patched: new Set(),
    openOf: new Map(),
    storedInConversation: new Map(snapshot.storedInConversation),
    storedForVisitor: new Map(snapshot.storedForVisitor),
    attachments: new Map(snapshot.attachments),
    loadDelta: new Map(),
    visitors: [],
    events: [],
    sent: { ids: [], seqs: [], conversations: [] },
  };
  for (const [id, row] of snapshot.rows) {
    const copy = { ...row };
    pass.rows.set(id, copy);
    if (copy.status === 'open') pass.openOf.set(copy.visitor_id, id);
  }
  // A load not read yet ends the pass at once (the rule asking for it is not run to its end): it is read under
  // its agent's lock, and the pass runs again. Rules run once per pass, so each rule sees the loads it asks for.
  const reads: WriteReads = {
    loadOf(agentId) {
      const committed = snapshot.loads.get(agentId);
      if (committed === undefined) throw new NeedLoads([agentId]);
      return committed + (pass.loadDelta.get(agentId) ?? 0);
    },
  };
  for (const job of jobs) {
    try {
      job.value = job.op.kind === 'write' ? decideWrite(pass, snapshot, job.op.request, reads) : markSeen(pass, job.op);
      job.failed = false;
    } catch (err) {
      if (err instanceof NeedLoads) return err;
      // The rule threw: nothing of this job was applied (a decision is applied only once it is made).
      job.value = err;
      job.failed = true;
    }
  }
  return pass;
}

function markSeen(pass: Pass, op: Extract<WriteOp, { kind: 'seen' }>): SeenOutcome {
  const row = pass.rows.get(op.id);
  if (!row) return null;
  // SPEC W2: clamped to the last seq, never lowered.
  const seq = Math.min(op.seq, row.last_seq);
  if (op.by === 'agent') {
    if ((row.agent_seen_seq ?? 0) >= seq) return null;
    row.agent_seen_seq = seq;
  } else {
    if ((row.visitor_seen_seq ?? 0) >= seq) return null;
    row.visitor_seen_seq = seq;
  }
  pass.changed.add(row);
  return { seq, conversation: toConversation(row) };
}

/** writes.ts of the SQLite store, on the pass's rows. */
function decideWrite(pass: Pass, snapshot: Snapshot, request: WriteRequest, reads: WriteReads): WriteOutcome {
  const { visitor, clientId, at } = request;
  let row: ConversationRow | undefined;
  if (request.conversationId !== null) row = pass.rows.get(request.conversationId);
  else if (visitor) {
    const open = pass.openOf.get(visitor.visitorId);
    row = open === undefined ? undefined : pass.rows.get(open);
  }
  if (request.conversationId !== null && row === undefined) return { kind: 'not_found' };
  let state = row && toState(row);
  if (row !== undefined && state !== undefined) {
    if (!request.authorize(state)) return { kind: 'not_found' };
    if (clientId !== null && request.conversationId !== null) {
      const seq = pass.storedInConversation.get(key(row.id, clientId));
      if (seq !== undefined) return { kind: 'duplicate', seq, conversation: toConversation(row) };
    }
  }
  if (clientId !== null && request.conversationId === null && visitor) {
    // SPEC D3 without a conversation id: in any of the visitor's conversations, also one closed since.
    const stored = pass.storedForVisitor.get(key(visitor.visitorId, clientId));
    const home = stored && (pass.rows.get(stored.conversationId) ?? snapshot.homes.get(stored.conversationId));
    if (stored && home) return { kind: 'duplicate', seq: stored.seq, conversation: toConversation(home) };
  }

  // SPEC C3: no open conversation yet; the rule decides on a fresh one, and only its approval creates it.
  const creating = row === undefined;
  if (row === undefined || state === undefined) {
    if (!visitor) return { kind: 'not_found' };
    row = freshRow(visitor.siteId, visitor.visitorId, at);
    state = toState(row);
  }
  const found = request.attachmentIds?.length ? attachmentsOf(pass, request.attachmentIds) : NONE;
  const decision = request.decide(state, found, reads);
  if (!decision.ok) return { kind: 'refused', code: decision.code };

  let events = decision.events;
  // Checked before anything is applied, so a failing job leaves the pass as it found it.
  for (const e of events) for (const file of e.attachments ?? []) checkUnsent(pass, file.id, row.id);
  if (creating) {
    pass.visitors.push({ id: row.visitor_id, site_id: row.site_id, created_at: at });
    pass.rows.set(row.id, row);
    pass.created.add(row);
    events = [createdEvent(row.visitor_id), ...events];
  } else if (!pass.created.has(row)) {
    pass.changed.add(row);
    if (decision.patch !== null) pass.patched.add(row);
  }
  const before = { status: row.status, agent: row.assigned_agent_id };
  const written = appendEvents(pass, row, events, at);
  applyPatch(row, decision.patch, pgText);
  // SPEC R1: what this decision did to loads, for the rules after it in the group.
  if (before.status === 'open' && before.agent !== null) bump(pass.loadDelta, before.agent, -1);
  if (row.status === 'open' && row.assigned_agent_id !== null) bump(pass.loadDelta, row.assigned_agent_id, 1);
  if (before.status === 'open' && row.status !== 'open' && pass.openOf.get(row.visitor_id) === row.id) pass.openOf.delete(row.visitor_id);
  if (row.status === 'open') pass.openOf.set(row.visitor_id, row.id);
  return { kind: 'appended', events: written, conversation: toConversation(row) };
}

const NONE: readonly AttachmentRecord[] = [];

function bump(map: Map<string, number>, id: string, by: number): void {
  map.set(id, (map.get(id) ?? 0) + by);
}

/** SPEC W3: the records (as the group has made them so far) of the files a message names; missing ones left out. */
function attachmentsOf(pass: Pass, ids: readonly string[]): AttachmentRecord[] {
  const records: AttachmentRecord[] = [];
  for (const id of ids) {
    const record = pass.attachments.get(id);
    if (record) records.push(record);
  }
  return records;
}

function checkUnsent(pass: Pass, id: string, conversationId: string): void {
  const record = pass.attachments.get(id);
  // claimAttachments checked this in the rule; a miss here is a bug, and fails the job.
  if (!record || record.conversationId !== conversationId || record.eventSeq !== null) throw new Error(`attachment ${id} is not unsent in ${conversationId}`);
}

/** SPEC D1: each event takes lastSeq + 1 on the locked row. Mutates `row` to match. */
function appendEvents(pass: Pass, row: ConversationRow, events: readonly NewEvent[], at: number): ConversationEvent[] {
  const written: ConversationEvent[] = [];
  for (const given of events) {
    const e = storable(given);
    const seq = row.last_seq + 1;
    row.last_seq = seq;
    if (e.clientId !== null) {
      pass.storedInConversation.set(key(row.id, e.clientId), seq);
      pass.storedForVisitor.set(key(row.visitor_id, e.clientId), { conversationId: row.id, seq });
    }
    for (const file of e.attachments ?? []) {
      pass.attachments.set(file.id, { ...pass.attachments.get(file.id)!, eventSeq: seq });
      pass.sent.ids.push(file.id);
      pass.sent.seqs.push(seq);
      pass.sent.conversations.push(row.id);
    }
    if (e.kind === 'message' && e.text !== null) {
      // SPEC W3: a message of files alone shows as their names in the lists.
      const shown = e.text === '' && e.attachments?.length ? `📎 ${e.attachments.map((f) => f.name).join(', ')}` : e.text;
      row.last_message_text = shown;
      row.last_message_author_kind = e.author.kind;
      row.last_message_at = at;
      if (e.author.kind === 'visitor' && row.first_message_text === null) row.first_message_text = shown;
    }
    const event: ConversationEvent = { conversationId: row.id, seq, kind: e.kind, author: e.author, clientId: e.clientId, text: e.text, at };
    if (e.data !== undefined) event.data = e.data;
    if (e.attachments !== undefined) event.attachments = e.attachments;
    written.push(event);
    pass.events.push(event);
  }
  row.updated_at = at;
  return written;
}

/**
 * PostgreSQL's text cannot hold U+0000, which SQLite stores and SPEC D14 lets through (it is well-formed): a
 * message holding one would be refused by the database on every resend, for ever. It is stored as U+FFFD, the
 * replacement D14 makes for what cannot be kept, and the ack and the live event carry the text as stored.
 * JSON columns (data, attachments) escape it themselves.
 */
export function pgText<T extends string | null>(text: T): T {
  return text !== null && text.includes('\u0000') ? (text.replaceAll('\u0000', '\uFFFD') as T) : text;
}

function storable(e: NewEvent): NewEvent {
  if (!(e.text?.includes('\u0000') || e.author.name?.includes('\u0000'))) return e;
  return { ...e, text: pgText(e.text), author: { ...e.author, name: pgText(e.author.name) } };
}

/**
 * The pass's statements, in an order the unique indexes accept: visitors before their conversations,
 * changed conversations (one closing) before created ones (the visitor's next), conversations before events.
 */
async function writePass(client: pg.ClientBase, pass: Pass): Promise<void> {
  if (pass.visitors.length > 0) await query(client, 'insertVisitors', [JSON.stringify(pass.visitors)]);
  if (pass.patched.size > 0) await query(client, 'update', [JSON.stringify([...pass.patched].map(rowJson))]);
  if (pass.created.size > 0) await query(client, 'insert', [JSON.stringify([...pass.created].map(rowJson))]);
  // Empty arrays when there is nothing of one kind: the statement then does nothing of it.
  if (pass.changed.size > pass.patched.size || pass.events.length > 0) await query(client, 'progressAndEvents', [...progressColumns(pass), ...eventColumns(pass.events)]);
  if (pass.sent.ids.length > 0) {
    const marked = await query(client, 'markSent', [pass.sent.ids, pass.sent.seqs, pass.sent.conversations]);
    // The rows are locked since the read: a difference is a bug, and fails the group (rolled back).
    if (marked.rowCount !== pass.sent.ids.length) throw new Error(`marked ${marked.rowCount} of ${pass.sent.ids.length} attachments sent`);
  }
}

/** The changed rows no decision patched, as one array per column (unnest). */
function progressColumns(pass: Pass): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 9 }, () => []);
  for (const row of pass.changed) {
    if (pass.patched.has(row)) continue;
    cols[0]!.push(row.id);
    cols[1]!.push(row.last_seq);
    cols[2]!.push(row.last_message_text);
    cols[3]!.push(row.last_message_author_kind);
    cols[4]!.push(row.last_message_at);
    cols[5]!.push(row.first_message_text);
    cols[6]!.push(row.updated_at);
    cols[7]!.push(row.agent_seen_seq ?? 0);
    cols[8]!.push(row.visitor_seen_seq ?? 0);
  }
  return cols;
}

/** A row as JSON for json_populate_recordset: column names as keys; seen marks 0 on a new row. */
function rowJson(row: ConversationRow): ConversationRow {
  return { ...row, agent_seen_seq: row.agent_seen_seq ?? 0, visitor_seen_seq: row.visitor_seen_seq ?? 0 };
}

/** The events as one array per column (unnest): no per-row parameters, one statement for the group. */
function eventColumns(events: readonly ConversationEvent[]): unknown[][] {
  const n = events.length;
  const cols: unknown[][] = Array.from({ length: 11 }, () => new Array<unknown>(n));
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    cols[0]![i] = e.conversationId;
    cols[1]![i] = e.seq;
    cols[2]![i] = e.kind;
    cols[3]![i] = e.author.kind;
    cols[4]![i] = e.author.id;
    cols[5]![i] = e.author.name;
    cols[6]![i] = e.clientId;
    cols[7]![i] = e.text;
    cols[8]![i] = e.at;
    cols[9]![i] = e.data === undefined ? null : JSON.stringify(e.data);
    cols[10]![i] = e.attachments === undefined ? null : JSON.stringify(e.attachments);
  }
  return cols;
}

/** Every field of the patch that is set, onto the row (which the UPDATE then writes whole). */

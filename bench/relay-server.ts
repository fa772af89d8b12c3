/**
 * @module The durable floor (issue 12): what "committed first, then delivered" costs with nothing else.
 * A bare `ws` relay with the gateway's socket options: a socket opened on `/?role=sink` is the receiver
 * (Papo's agent); every frame from any other socket is stored in SQLite (WAL, synchronous=FULL, the same
 * pragmas as server/store/sqlite/driver.ts) and, once committed, forwarded unchanged to the sink.
 *
 * `RELAY_MODE`:
 * - `each`: one transaction per frame, committed in the socket's message handler (one fsync a message).
 * - `group`: the frames read in one turn of the event loop are committed in one transaction at
 *   setImmediate, then forwarded (Papo's committer does the same).
 * - `inserts`: no sockets. Raw batched inserts into Papo's own `events` table (the real schema, migrated by
 *   the product's driver) for `RELAY_SECONDS`, `RELAY_BATCH` rows a transaction; prints `inserts per_s=N`
 *   and exits. The throughput budget compares Papo against this figure.
 *
 * Run by the bench: `node --import tsx bench/relay-server.ts`; prints `relay listening port=N`.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { openSqlite } from '../server/store/sqlite/driver';

const mode = process.env.RELAY_MODE ?? 'group';
const dir = mkdtempSync(join(process.env.BENCH_DB_DIR ?? tmpdir(), 'papo-relay-'));
const dbPath = join(dir, 'relay.db');
const cleanUp = () => rmSync(dir, { recursive: true, force: true });

if (mode === 'inserts') rawInserts();
else if (mode === 'each' || mode === 'group') relay(mode);
else {
  process.stderr.write(`RELAY_MODE must be each, group or inserts, not ${mode}\n`);
  process.exit(2);
}

function rawInserts(): void {
  const seconds = Number(process.env.RELAY_SECONDS ?? 3);
  const batch = Number(process.env.RELAY_BATCH ?? 100);
  const { sqlite } = openSqlite(dbPath);
  // Rows without their conversations: the floor is the insert, not the foreign-key checks.
  sqlite.pragma('foreign_keys = OFF');
  const insert = sqlite.prepare(
    `INSERT INTO events (conversation_id, seq, kind, author_kind, author_id, author_name, client_id, text, created_at, data)
     VALUES (?, ?, 'message', 'visitor', ?, NULL, ?, ?, ?, NULL)`,
  );
  const conversations = Array.from({ length: 200 }, (_, i) => `0190f000-0000-7000-8000-${String(i).padStart(12, '0')}`);
  const seqs = new Int32Array(conversations.length);
  const text = 'Olá! Preciso de ajuda com o meu pedido, por favor: ele ainda não chegou.';
  const commitBatch = sqlite.transaction((from: number) => {
    for (let k = 0; k < batch; k++) {
      const c = (from + k) % conversations.length;
      const id = conversations[c]!;
      insert.run(id, ++seqs[c]!, id, `client-${from + k}`, text, Date.now());
    }
  });
  let rows = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    commitBatch(rows);
    rows += batch;
  }
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  sqlite.close();
  cleanUp();
  process.stdout.write(`inserts per_s=${Math.round(rows / elapsedS)} rows=${rows} batch=${batch}\n`);
}

function relay(commit: 'each' | 'group'): void {
  const sqlite = new Database(dbPath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('journal_size_limit = 67108864');
  sqlite.exec(`CREATE TABLE messages (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, client_id TEXT NOT NULL,
    text TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID`);
  const insert = sqlite.prepare('INSERT INTO messages (conversation_id, seq, client_id, text, created_at) VALUES (?, ?, ?, ?, ?)');
  const seqs = new Map<string, number>();
  let sink: WebSocket | null = null;
  let pending: Buffer[] = [];
  let scheduled = false;

  const store = (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as { conversationId: string; clientId: string; text: string };
    const seq = (seqs.get(frame.conversationId) ?? 0) + 1;
    seqs.set(frame.conversationId, seq);
    insert.run(frame.conversationId, seq, frame.clientId, frame.text, Date.now());
  };
  // One transaction (BEGIN IMMEDIATE, as the server's writes take), rolled back if a store throws midway.
  const commitFrames = sqlite.transaction((frames: Buffer[]) => {
    for (const data of frames) store(data);
  });
  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    commitFrames.immediate(batch);
    for (const data of batch) sink?.send(data, { binary: false });
  };

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false, maxPayload: 64 * 1024 });
  wss.on('connection', (ws, req) => {
    ws.on('error', () => ws.terminate());
    if (req.url?.includes('role=sink')) {
      sink = ws;
      return;
    }
    ws.on('message', (data: Buffer) => {
      if (commit === 'each') {
        commitFrames.immediate([data]);
        sink?.send(data, { binary: false });
        return;
      }
      pending.push(data);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  });
  wss.on('listening', () => {
    const address = wss.address();
    const port = typeof address === 'string' || address === null ? address : address.port;
    process.stdout.write(`relay listening port=${port} mode=${commit}\n`);
  });
  const stop = () => {
    wss.close();
    sqlite.close();
    cleanUp();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/**
 * Issue 12: conversation rows are read as arrays (rows.ts conversationRow) by the column list
 * CONVERSATION_COLUMNS. A column added to one and not the other, or out of order, must not pass: a row
 * with a distinct value in every column reads back as SELECT * names it.
 */
import { describe, expect, it } from 'vitest';
import { openSqlite } from './driver';
import { conversationLookups } from './rows';

describe('conversation rows read by position', () => {
  it('every column of the conversations table, each with its own value, reads back under its own name', () => {
    const { sqlite } = openSqlite(':memory:');
    sqlite.pragma('foreign_keys = OFF'); // the row's ids need no site, visitor or agent behind them
    const columns = sqlite.prepare<[], { name: string; type: string }>("SELECT name, type FROM pragma_table_info('conversations')").all();
    expect(columns.length).toBeGreaterThan(20);
    // A distinct value per column: its position as a number for integers, its name as text otherwise (in a
    // JSON array for the JSON columns, which triggers read).
    const value = (c: { name: string; type: string }, i: number) =>
      /INT/i.test(c.type) ? 1000 + i : c.name === 'status' ? 'open' : c.name.endsWith('_json') ? JSON.stringify([`v:${c.name}`]) : `v:${c.name}`;
    const values = columns.map(value);
    sqlite.prepare(`INSERT INTO conversations (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...values);
    const id = values[columns.findIndex((c) => c.name === 'id')] as string;

    const all = sqlite.prepare<[string], Record<string, unknown>>('SELECT * FROM conversations WHERE id = ?').get(id)!;
    expect(conversationLookups(sqlite).byId.get(id)).toEqual(all);
    expect(conversationLookups(sqlite).openForVisitor.get(all.visitor_id as string)).toEqual(all);
    sqlite.close();
  });
});

/**
 * The PostgreSQL tickets across nodes (issue 14, scale-out.md §1.1 row 6): two pools on one schema stand for two
 * nodes. Their concurrent creates take consecutive numbers with no gap and no repeat, replays of one client id
 * on both make one ticket, and a failed create takes no number. tickets.case.test.ts holds the rest of the
 * contract, on one store. Real PostgreSQL on 127.0.0.1:5432 (database papo_test).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids';
import type { NewTicket, Store } from '../store';
import { migratePg, openPool } from './driver';
import { pgTickets } from './tickets';

const URL = process.env.PAPO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/papo_test';
const SCHEMA = `t_tickets_nodes_${randomBytes(6).toString('hex')}`;
const T0 = 1_750_000_000_000;

describe('PostgreSQL tickets on two nodes', () => {
  let pools: pg.Pool[] = [];
  let nodes: Array<Store['tickets']> = [];
  const siteId = uuidv7();

  beforeAll(async () => {
    pools = [0, 1].map(() => openPool(URL, { schema: SCHEMA, max: 4 }, () => {}).pool);
    await migratePg(pools[0]!, { schema: SCHEMA });
    await pools[0]!.query(`INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ($1, $2, 'Loja', '["self"]', $3)`, [siteId, `key-${siteId}`, T0]);
    nodes = pools.map((pool) => pgTickets(pool));
  });

  afterAll(async () => {
    await pools[0]?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    for (const pool of pools) await pool.end();
  });

  function newTicket(fields: Partial<NewTicket> = {}): NewTicket {
    return {
      id: uuidv7(),
      siteId,
      status: 'open',
      type: 'question',
      priority: 1,
      subject: 'Pedido atrasado',
      description: '',
      requester: { name: 'Ana', email: null, visitorId: null },
      assigneeId: null,
      assigneeName: null,
      conversationId: null,
      source: 'offline_form',
      clientId: null,
      createdAt: T0,
      ...fields,
    };
  }

  it('numbers concurrent creates on both nodes 1..N with no gap; replays on both make one ticket; a failure takes no number', async () => {
    const creates = Array.from({ length: 40 }, (_, i) => nodes[i % 2]!.create(newTicket()));
    // A create for an unknown site fails on its foreign key after taking a number: the number goes back.
    const bad = Array.from({ length: 4 }, (_, i) => nodes[i % 2]!.create(newTicket({ siteId: uuidv7() })));
    const clientId = uuidv7();
    const replays = Array.from({ length: 10 }, (_, i) => nodes[i % 2]!.create(newTicket({ clientId })));

    for (const failed of await Promise.allSettled(bad)) expect(failed.status).toBe('rejected');
    const made = await Promise.all(creates);
    const replayed = await Promise.all(replays);
    expect(made.every((a) => a.created)).toBe(true);
    expect(replayed.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(replayed.map((r) => r.ticket.id)).size).toBe(1);

    const numbers = [...made, replayed.find((r) => r.created)!].map((a) => a.ticket.number).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect((await nodes[1]!.create(newTicket())).ticket.number).toBe(42);
    const { rows } = await pools[0]!.query<{ value: number }>(`SELECT value FROM counters WHERE name = 'ticket'`);
    expect(rows[0]!.value).toBe(42);
  });
});

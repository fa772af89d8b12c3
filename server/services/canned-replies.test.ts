/**
 * The canned replies (SPEC R11) and wrap-up reasons (SPEC R8) as the service keeps them: one list for the
 * whole team (no site), searched by text, category and language; a missing one is `not_found` to update or
 * remove; reasons found by any part of their label, in any case, one per label. On a real SQLite store,
 * with a clock the test moves.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { CannedReplyBody } from '../../shared/api';
import { databasePerTest, sqliteStoreFixture } from '../store/store-fixture';
import type { Store } from '../store/store';
import { createCannedReplies, type CannedReplies } from './canned-replies';

const T0 = 1_750_000_000_000;
const db = databasePerTest(() => sqliteStoreFixture('papo-canned-replies-'));

describe('canned replies and wrap-up reasons', () => {
  let store: Store;
  let canned: CannedReplies;
  let clock: number;
  const body = (input: Record<string, string>) => v.parse(CannedReplyBody, input);

  beforeEach(async () => {
    store = db.reopen();
    clock = T0;
    canned = createCannedReplies({ store, now: () => clock });
    const replies: Record<string, string>[] = [
      { title: 'Saudação', text: 'Olá! Como posso ajudar?', category: 'Geral' },
      { title: 'Prazo de entrega', text: 'Entregamos em até 5 dias úteis.', category: 'Vendas' },
      { title: 'Greeting', text: 'Hello! How can I help?', category: 'Geral', language: 'en' },
      { title: 'Horário', text: 'Atendemos das 8h às 18h.' },
    ];
    for (const r of replies) {
      clock += 1_000;
      await canned.create(body(r));
    }
  });

  const titles = async (q: Parameters<CannedReplies['search']>[0]) => (await canned.search(q)).map((r) => r.title);

  it.each([
    ['nothing: every reply, in title order', {}, ['Greeting', 'Horário', 'Prazo de entrega', 'Saudação']],
    ['an empty text: no filter', { q: '' }, ['Greeting', 'Horário', 'Prazo de entrega', 'Saudação']],
    ['text in the title, any case', { q: 'PRAZO' }, ['Prazo de entrega']],
    ['text in the reply itself', { q: 'ajudar' }, ['Saudação']],
    ['a category, any case', { category: 'geral' }, ['Greeting', 'Saudação']],
    ['a language', { language: 'EN' }, ['Greeting']],
    ['the default language, pt-BR', { language: 'pt-br' }, ['Horário', 'Prazo de entrega', 'Saudação']],
    ['every filter at once', { q: 'olá', category: 'Geral', language: 'pt-BR' }, ['Saudação']],
    ['no match', { q: 'reembolso' }, []],
  ])('search by %s', async (_, q, expected) => {
    expect(await titles(q)).toEqual(expected);
  });

  it('a new reply answers its fields (no times); the store keeps when it was made, and an update moves only updatedAt', async () => {
    clock = T0 + 50_000;
    const made = await canned.create(body({ title: 'Troca', text: 'Trocas em 7 dias.', category: ' Pós-venda ' }));
    expect(made).toEqual({ id: expect.any(String), title: 'Troca', text: 'Trocas em 7 dias.', category: 'Pós-venda', language: 'pt-BR' });
    expect(await store.cannedReplies.byId(made.id)).toMatchObject({ createdAt: T0 + 50_000, updatedAt: T0 + 50_000 });
    clock = T0 + 60_000;
    const changed = await canned.update(made.id, body({ title: 'Troca', text: 'Trocas em 30 dias.', language: 'pt-PT' }));
    expect(changed).toEqual({ id: made.id, title: 'Troca', text: 'Trocas em 30 dias.', category: '', language: 'pt-PT' });
    expect(await store.cannedReplies.byId(made.id)).toMatchObject({ createdAt: T0 + 50_000, updatedAt: T0 + 60_000 });
    await canned.remove(made.id);
    expect(await store.cannedReplies.byId(made.id)).toBeNull();
  });

  it.each([
    ['update', (c: CannedReplies) => c.update('nope', body({ title: 'X', text: 'Y' }))],
    ['remove', (c: CannedReplies) => c.remove('nope')],
    ['remove twice', async (c: CannedReplies) => {
      const [first] = await c.search({});
      await c.remove(first!.id);
      await c.remove(first!.id);
    }],
    ['rename a reason', (c: CannedReplies) => c.renameReason('nope', 'X')],
    ['remove a reason', (c: CannedReplies) => c.removeReason('nope')],
  ])('%s of a missing one is not_found', async (_, act) => {
    await expect(act(canned)).rejects.toMatchObject({ code: 'not_found' });
  });

  it.each([
    ['nothing: every reason, in label order', '', ['Dúvida resolvida', 'Reclamação', 'Venda fechada']],
    ['blanks alone: every reason', '   ', ['Dúvida resolvida', 'Reclamação', 'Venda fechada']],
    ['part of a label, any case, blanks around it trimmed', '  FECHA ', ['Venda fechada']],
    ['a word inside', 'resol', ['Dúvida resolvida']],
    ['no match', 'xyz', []],
  ])('reasons found by %s', async (_, q, labels) => {
    for (const label of ['Venda fechada', 'Reclamação', 'Dúvida resolvida']) await canned.createReason(label);
    expect((await canned.reasons(q)).map((r) => r.label)).toEqual(labels);
  });

  it('one reason per label in any case; a reason renamed, then removed', async () => {
    const sold = await canned.createReason('Venda fechada');
    expect(sold).toEqual({ id: expect.any(String), label: 'Venda fechada' });
    await expect(canned.createReason('VENDA FECHADA')).rejects.toMatchObject({ code: 'conflict' });
    const other = await canned.createReason('Reclamação');
    await expect(canned.renameReason(other.id, 'venda fechada')).rejects.toMatchObject({ code: 'conflict' });
    expect(await canned.renameReason(sold.id, 'Venda concluída')).toEqual({ id: sold.id, label: 'Venda concluída' });
    await canned.removeReason(sold.id);
    expect((await canned.reasons('')).map((r) => r.label)).toEqual(['Reclamação']);
  });
});

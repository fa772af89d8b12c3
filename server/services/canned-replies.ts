/**
 * @module The team's canned replies (SPEC R11) and wrap-up reasons (SPEC R8): everyone searches them,
 * supervisors and admins manage them (the routes check the role). Missing ones are `not_found`.
 */
import type { CannedReplyBody } from '../../shared/api';
import { AppError } from '../errors';
import { uuidv7 } from '../ids';
import type { CannedReply, Store, WrapUpReason } from '../store/store';

export type CannedReplies = ReturnType<typeof createCannedReplies>;

function found<T>(value: T | null | false): T {
  if (!value) throw new AppError('not_found');
  return value;
}

const toReply = ({ id, title, text, category, language }: CannedReply) => ({ id, title, text, category, language });
const toReason = ({ id, label }: WrapUpReason) => ({ id, label });

export function createCannedReplies({ store, now }: { store: Store; now: () => number }) {
  return {
    async search(q: { q?: string | undefined; category?: string | undefined; language?: string | undefined }) {
      const list = await store.cannedReplies.list({ ...(q.q ? { text: q.q } : {}), ...(q.category ? { category: q.category } : {}), ...(q.language ? { language: q.language } : {}) });
      return list.map(toReply);
    },
    async create(input: CannedReplyBody) {
      const at = now();
      const reply = { id: uuidv7(at), ...input, createdAt: at, updatedAt: at };
      await store.cannedReplies.create(reply);
      return toReply(reply);
    },
    async update(id: string, input: CannedReplyBody) {
      return toReply(found(await store.cannedReplies.update(id, input, now())));
    },
    async remove(id: string): Promise<void> {
      found(await store.cannedReplies.delete(id));
    },

    /** Wrap-up reasons whose label contains `q` (any case). */
    async reasons(q: string) {
      const needle = q.trim().toLowerCase();
      return (await store.wrapUpReasons.list()).filter((r) => r.label.toLowerCase().includes(needle)).map(toReason);
    },
    async createReason(label: string) {
      const reason = { id: uuidv7(now()), label, createdAt: now() };
      await store.wrapUpReasons.create(reason);
      return toReason(reason);
    },
    async renameReason(id: string, label: string) {
      return toReason(found(await store.wrapUpReasons.update(id, label)));
    },
    async removeReason(id: string): Promise<void> {
      found(await store.wrapUpReasons.delete(id));
    },
  };
}

/**
 * @module Blocks (admins, issue 6): the addresses, ranges and visitors the server refuses, with their reason
 * and expiry; add one, lift one. "Block and end" in a conversation adds them too.
 */
import { useState } from 'preact/hooks';
import { Options } from '../ui/Options';
import { BLOCK_KINDS, blockBody, blockValueProblem, EXPIRY_CHOICES, isActive, isExpiryChoice, sortBlocks, type BlockForm } from '../dialogs/safety';
import { adminApi, type BlockInfo } from './admin-api';
import type { Problem } from './forms';
import { useAction, useNow, useResource } from './hooks';
import { dateTime, t, visitorName } from './i18n';
import { ActionTable, EditorForm, Field, InlineError, LoadedList } from './ui';
import './admin.css';

const loadAll = async () => {
  const [blocks, agents] = await Promise.all([adminApi.blocks(), adminApi.agents().catch(() => [])]);
  return { blocks, names: new Map(agents.map((a) => [a.id, a.name])) };
};

export function Blocks() {
  const data = useResource(loadAll, []);
  const [adding, setAdding] = useState(false);
  const lift = useAction();
  const now = useNow(30_000);
  const blocks = data.data ? sortBlocks(data.data.blocks, now) : null;

  const onLift = async (b: BlockInfo) => {
    if (!confirm(t.confirmLift(b.kind === 'visitor' ? visitorName(b.value, b.visitor?.name ?? null) : `${t.kinds[b.kind]} ${b.value}`))) return;
    if (await lift.run(() => adminApi.liftBlock(b.id))) data.reload();
  };

  return (
    <section class="adm-section" aria-labelledby="adm-blocks-title">
      <div class="adm-head">
        <h2 id="adm-blocks-title">{t.tabs.blocks}</h2>
        <button type="button" class="adm-ghost" onClick={data.reload} disabled={data.loading}>
          {t.refresh}
        </button>
        <button type="button" class="adm-primary" onClick={() => setAdding(true)} disabled={adding}>
          {t.newBlock}
        </button>
      </div>
      <p class="adm-muted">{t.blocksHint}</p>
      {adding && (
        <BlockEditor
          onDone={(saved) => {
            setAdding(false);
            if (saved) data.reload();
          }}
        />
      )}
      <InlineError message={data.error ?? lift.error} />
      <LoadedList items={blocks} loading={data.loading} empty={t.noBlocks}>
        {(rows) => (
          <ActionTable class="adm-blocks" busy={data.loading} columns={[t.kind, t.value, t.reason, t.expires, t.blockState, t.created]}>
            {rows.map((b) => {
              const active = isActive(b, now);
              const by = b.createdBy ? (data.data?.names.get(b.createdBy) ?? null) : null;
              return (
                <tr key={b.id} class={active ? undefined : 'adm-expired'}>
                  <td>{t.kinds[b.kind]}</td>
                  <td>{b.kind === 'visitor' ? <BlockedVisitor block={b} /> : <code>{b.value}</code>}</td>
                  <td>{b.reason ? <span class="adm-text-cell">{b.reason}</span> : <span class="adm-muted">{t.noReason}</span>}</td>
                  <td>
                    {b.expiresAt === null
                      ? t.permanent
                      : active
                        ? t.until(dateTime.format(b.expiresAt))
                        : t.expiredAt(dateTime.format(b.expiresAt))}
                  </td>
                  <td>
                    <span class={`adm-tag${active ? ' blocked' : ''}`}>{active ? t.active : t.expired}</span>
                  </td>
                  <td>
                    {dateTime.format(b.createdAt)}
                    {by && <span class="adm-sub">{t.by(by)}</span>}
                  </td>
                  <td>
                    <button type="button" class="adm-ghost danger" disabled={lift.busy} onClick={() => void onLift(b)}>
                      {t.lift}
                    </button>
                  </td>
                </tr>
              );
            })}
          </ActionTable>
        )}
      </LoadedList>
    </section>
  );
}

/**
 * Issue 15: a blocked visitor by who it is (name or its generated one, e-mail, last page), never its raw id,
 * which stays in the tooltip for support.
 */
function BlockedVisitor({ block: b }: { block: BlockInfo }) {
  const v = b.visitor;
  return (
    <span class="adm-visitor" title={b.value}>
      <strong>{visitorName(b.value, v?.name ?? null)}</strong>
      {v?.email && <span class="adm-sub">{v.email}</span>}
      {v?.page && <span class="adm-sub">{t.lastPage(v.page)}</span>}
      {!v && <span class="adm-sub">{t.visitorGone}</span>}
    </span>
  );
}

function BlockEditor({ onDone }: { onDone: (saved: boolean) => void }) {
  const [form, setForm] = useState<BlockForm>({ kind: 'ip', value: '', reason: '', expiry: 'none' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const save = useAction();

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const found = blockValueProblem(form.kind, form.value);
    setProblem(found);
    if (found) return;
    if (await save.run(() => adminApi.addBlock(blockBody(form, Date.now())))) onDone(true);
  };

  return (
    <EditorForm title={t.newBlock} save={save} onSubmit={(e) => void onSubmit(e)} onCancel={() => onDone(false)}>
      <Field label={t.kind}>
        <select
          value={form.kind}
          onChange={(e) => {
            const kind = BLOCK_KINDS.find((k) => k === e.currentTarget.value);
            if (kind) setForm({ ...form, kind });
            setProblem(null);
          }}
        >
          <Options values={BLOCK_KINDS} name={(k) => t.kinds[k]} />
        </select>
      </Field>
      <Field label={t.value} problem={problem ?? undefined} hint={t.valueHints[form.kind]}>
        <input
          value={form.value}
          maxLength={64}
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => setForm({ ...form, value: e.currentTarget.value })}
          aria-invalid={problem ? 'true' : undefined}
        />
      </Field>
      <Field label={t.expiry}>
        <select value={form.expiry} onChange={(e) => isExpiryChoice(e.currentTarget.value) && setForm({ ...form, expiry: e.currentTarget.value })}>
          <Options values={EXPIRY_CHOICES} name={(x) => t.expiries[x]} />
        </select>
      </Field>
      <Field label={t.blockReason} wide>
        <input value={form.reason} maxLength={300} onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })} />
      </Field>
    </EditorForm>
  );
}

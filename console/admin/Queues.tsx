/**
 * @module Queues (admins): routing strategy, offer timeout (seconds here, milliseconds on the wire) and
 * members; create, edit, delete (SPEC R2, R3).
 */
import { useState } from 'preact/hooks';
import { ROUTING_STRATEGIES, type RoutingStrategy } from '../../shared/protocol';
import { adminApi, type AgentWithLoad, type QueueInput, type QueueWithMembers, type SiteInfo } from './admin-api';
import { hasProblems, msToSeconds, queueProblems, secondsToMs, type Problems, type QueueForm } from './forms';
import { useAction, useResource } from './hooks';
import { t } from './i18n';
import { CheckList, EditorForm, Field, InlineError, LoadedList, RowActions } from './ui';
import './admin.css';

interface Loaded {
  queues: QueueWithMembers[];
  agents: AgentWithLoad[];
  sites: SiteInfo[];
}

const loadAll = async (): Promise<Loaded> => {
  const [queues, agents, sites] = await Promise.all([adminApi.queues(), adminApi.agents(), adminApi.sites()]);
  return { queues, agents, sites };
};

export function Queues() {
  const data = useResource(loadAll, []);
  const [editing, setEditing] = useState<QueueWithMembers | 'new' | null>(null);
  const remove = useAction();
  const loaded = data.data;

  const onDelete = async (queue: QueueWithMembers) => {
    if (!confirm(t.confirmDelete(queue.name))) return;
    if (await remove.run(() => adminApi.deleteQueue(queue.id))) data.reload();
  };
  const agentName = (id: string) => loaded?.agents.find((a) => a.id === id)?.name ?? id;
  const siteName = (id: string) => loaded?.sites.find((s) => s.id === id)?.name ?? id;
  const manySites = (loaded?.sites.length ?? 0) > 1;

  return (
    <section class="adm-section" aria-labelledby="adm-queues-title">
      <div class="adm-head">
        <h2 id="adm-queues-title">{t.tabs.queues}</h2>
        <button type="button" class="adm-primary" onClick={() => setEditing('new')} disabled={editing !== null || loaded === null}>
          {t.newQueue}
        </button>
      </div>
      {editing !== null && loaded !== null && (
        <QueueEditor
          key={editing === 'new' ? 'new' : editing.id}
          queue={editing === 'new' ? null : editing}
          agents={loaded.agents}
          sites={loaded.sites}
          onDone={(saved) => {
            setEditing(null);
            if (saved) data.reload();
          }}
        />
      )}
      <InlineError message={data.error ?? remove.error} />
      <LoadedList items={loaded?.queues ?? null} loading={data.loading} empty={t.noQueues}>
        {(queues) => (
          <ul class="adm-list" aria-busy={data.loading}>
            {queues.map((q) => (
              <li key={q.id} class="adm-row">
                <div class="adm-main">
                  <strong>{q.name}</strong>
                  <span class="adm-tags">
                    <span class="adm-tag">{t.strategyShort[q.strategy]}</span>
                    {q.strategy !== 'broadcast' && <span class="adm-tag">{t.seconds(msToSeconds(q.offerTimeoutMs))}</span>}
                    {manySites && <span class="adm-tag">{siteName(q.siteId)}</span>}
                  </span>
                  <p class="adm-sub">
                    {t.members}: {q.agentIds.length === 0 ? '—' : q.agentIds.map(agentName).join(', ')}
                  </p>
                </div>
                <RowActions onEdit={() => setEditing(q)} editDisabled={editing !== null} onDelete={() => void onDelete(q)} deleteDisabled={remove.busy} />
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}

interface QueueEditorProps {
  queue: QueueWithMembers | null;
  agents: AgentWithLoad[];
  sites: SiteInfo[];
  onDone: (saved: boolean) => void;
}

function QueueEditor({ queue, agents, sites, onDone }: QueueEditorProps) {
  const initialSeconds = msToSeconds(queue?.offerTimeoutMs ?? 30_000);
  const [form, setForm] = useState<QueueForm>({ name: queue?.name ?? '', timeoutSeconds: initialSeconds });
  const [strategy, setStrategy] = useState<RoutingStrategy>(queue?.strategy ?? 'broadcast');
  const [siteId, setSiteId] = useState(queue?.siteId ?? sites[0]?.id ?? '');
  const [members, setMembers] = useState<string[]>(queue?.agentIds ?? []);
  const [problems, setProblems] = useState<Problems<keyof QueueForm>>({});
  const save = useAction();

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const timeoutChanged = queue === null || form.timeoutSeconds.trim() !== initialSeconds;
    const found = queueProblems(form, timeoutChanged);
    setProblems(found);
    if (hasProblems(found)) return;
    const offerTimeoutMs = secondsToMs(form.timeoutSeconds) ?? undefined;
    const ok = await save.run(() => {
      if (queue === null) {
        const body: QueueInput = { name: form.name.trim(), strategy, offerTimeoutMs, agentIds: members };
        if (siteId) body.siteId = siteId;
        return adminApi.createQueue(body);
      }
      // PATCH takes a partial body: send only what changed.
      const patch: Partial<QueueInput> = {};
      if (form.name.trim() !== queue.name) patch.name = form.name.trim();
      if (strategy !== queue.strategy) patch.strategy = strategy;
      if (timeoutChanged) patch.offerTimeoutMs = offerTimeoutMs;
      if ([...members].sort().join() !== [...queue.agentIds].sort().join()) patch.agentIds = members;
      return Object.keys(patch).length > 0 ? adminApi.updateQueue(queue.id, patch) : Promise.resolve();
    });
    if (ok) onDone(true);
  };

  return (
    <EditorForm title={queue ? t.editQueue : t.newQueue} save={save} onSubmit={(e) => void onSubmit(e)} onCancel={() => onDone(false)}>
      <Field label={t.name} problem={problems.name}>
        <input value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} maxLength={60} aria-invalid={problems.name ? 'true' : undefined} />
      </Field>
      {queue === null && sites.length > 1 && (
        <Field label={t.site}>
          <select value={siteId} onChange={(e) => setSiteId(e.currentTarget.value)}>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <fieldset class="adm-fieldset wide">
        <legend class="adm-label">{t.strategy}</legend>
        {ROUTING_STRATEGIES.map((s) => (
          <label key={s} class="adm-check">
            <input type="radio" name="strategy" value={s} checked={strategy === s} onChange={() => setStrategy(s)} />
            {t.strategies[s]}
          </label>
        ))}
      </fieldset>
      {strategy !== 'broadcast' && (
        <Field label={t.offerTimeout} problem={problems.timeoutSeconds} hint={t.offerTimeoutHint}>
          <input
            inputMode="decimal"
            value={form.timeoutSeconds}
            onInput={(e) => setForm({ ...form, timeoutSeconds: e.currentTarget.value })}
            aria-invalid={problems.timeoutSeconds ? 'true' : undefined}
          />
        </Field>
      )}
      <CheckList
        legend={t.members}
        empty={t.noAgentsYet}
        options={agents.map((a) => ({
          id: a.id,
          label: (
            <>
              {a.name} <span class="adm-muted">({t.roles[a.role]})</span>
            </>
          ),
        }))}
        checked={members}
        onChange={setMembers}
      />
    </EditorForm>
  );
}

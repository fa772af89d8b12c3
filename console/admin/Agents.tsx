/**
 * @module Agents (admins): who they are, their role, capacity, queues and live state; create one, change
 * an agent's role, capacity and queues (SPEC R1, R10); disable or enable another agent (issue 6).
 */
import { useState } from 'preact/hooks';
import { AGENT_ROLES, type AgentProfile, type AgentRole } from '../../shared/protocol';
import { adminApi, type AgentPatch, type AgentWithLoad, type QueueWithMembers } from './admin-api';
import { formatDuration, neverSignedIn } from './board';
import { agentProblems, hasProblems, type AgentForm, type Problems } from './forms';
import { useAction, useNow, useResource } from './hooks';
import { t } from './i18n';
import { ActionTable, CheckList, EditorForm, Field, InlineError, LoadedList } from './ui';
import './admin.css';

const loadAll = async () => {
  const [agents, queues] = await Promise.all([adminApi.agents(), adminApi.queues()]);
  return { agents, queues };
};

export function Agents({ me }: { me: AgentProfile }) {
  const data = useResource(loadAll, []);
  const [editing, setEditing] = useState<AgentWithLoad | 'new' | null>(null);
  /** What this admin switched: the list's own `disabled` wins once the server sends it (see AgentWithLoad). */
  const [switched, setSwitched] = useState<Record<string, boolean>>({});
  const toggle = useAction();
  const now = useNow(5_000);
  const loaded = data.data;
  const queueName = (id: string) => loaded?.queues.find((q) => q.id === id)?.name ?? id;
  const isDisabled = (a: AgentWithLoad) => a.disabled ?? switched[a.id] ?? false;

  const onToggle = async (a: AgentWithLoad) => {
    const disabled = !isDisabled(a);
    if (disabled && !confirm(t.confirmDisable(a.name))) return;
    if (await toggle.run(() => adminApi.setAgentDisabled(a.id, disabled))) {
      setSwitched((s) => ({ ...s, [a.id]: disabled }));
      data.reload();
    }
  };

  return (
    <section class="adm-section" aria-labelledby="adm-agents-title">
      <div class="adm-head">
        <h2 id="adm-agents-title">{t.tabs.agents}</h2>
        <button type="button" class="adm-ghost" onClick={data.reload} disabled={data.loading}>
          {t.refresh}
        </button>
        <button type="button" class="adm-primary" onClick={() => setEditing('new')} disabled={editing !== null || loaded === null}>
          {t.newAgent}
        </button>
      </div>
      {editing !== null && loaded !== null && (
        <AgentEditor
          key={editing === 'new' ? 'new' : editing.id}
          agent={editing === 'new' ? null : editing}
          self={editing !== 'new' && editing.id === me.id}
          queues={loaded.queues}
          onDone={(saved) => {
            setEditing(null);
            if (saved) data.reload();
          }}
        />
      )}
      <InlineError message={data.error ?? toggle.error} />
      <LoadedList items={loaded?.agents ?? null} loading={data.loading} empty={t.noAgents}>
        {(agents) => (
          <ActionTable busy={data.loading} columns={[t.name, t.role, t.capacity, t.queues, t.state]}>
            {agents.map((a) => (
              <tr key={a.id} class={isDisabled(a) ? 'adm-disabled' : undefined}>
                <td>
                  <strong>{a.name}</strong>{' '}
                  {a.id === me.id && <span class="adm-tag">{t.youTag}</span>}
                  {isDisabled(a) && (
                    <span class="adm-tag blocked" title={t.disabledHint}>
                      {t.disabledTag}
                    </span>
                  )}
                  <span class="adm-sub">{a.email}</span>
                </td>
                <td>{t.roles[a.role]}</td>
                <td class="adm-num">
                  {a.load} / {a.capacity}
                </td>
                <td>{a.queueIds.length === 0 ? <span class="adm-muted">{t.noQueue}</span> : a.queueIds.map(queueName).join(', ')}</td>
                <td>
                  <span class={`adm-state ${a.state}`}>
                    <span class="adm-dot" aria-hidden="true" />
                    {neverSignedIn(a) ? `${t.states.offline} · ${t.neverSignedIn}` : t.inState(t.states[a.state], formatDuration(now - a.since))}
                  </span>
                </td>
                <td>
                  <div class="adm-actions">
                    <button type="button" class="adm-ghost" onClick={() => setEditing(a)} disabled={editing !== null}>
                      {t.edit}
                    </button>
                    {a.id !== me.id && (
                      <button
                        type="button"
                        class={isDisabled(a) ? 'adm-ghost' : 'adm-ghost danger'}
                        disabled={toggle.busy}
                        onClick={() => void onToggle(a)}
                      >
                        {isDisabled(a) ? t.enable : t.disable}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </ActionTable>
        )}
      </LoadedList>
    </section>
  );
}

interface AgentEditorProps {
  agent: AgentWithLoad | null;
  /** The signed-in admin: its own role is not offered, so it cannot lock itself out by a slip. */
  self: boolean;
  queues: QueueWithMembers[];
  onDone: (saved: boolean) => void;
}

function AgentEditor({ agent, self, queues, onDone }: AgentEditorProps) {
  const [form, setForm] = useState<AgentForm>({ email: '', name: '', password: '', capacity: String(agent?.capacity ?? 3) });
  const [role, setRole] = useState<AgentRole>(agent?.role ?? 'agent');
  const [queueIds, setQueueIds] = useState<string[]>(agent?.queueIds ?? []);
  const [problems, setProblems] = useState<Problems<keyof AgentForm>>({});
  const save = useAction();
  const title = agent ? t.editAgent(agent.name) : t.newAgent;
  const set = (field: keyof AgentForm) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [field]: e.currentTarget.value });

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const found = agentProblems(form, agent === null);
    setProblems(found);
    if (hasProblems(found)) return;
    const capacity = Number(form.capacity);
    const ok = await save.run(() => {
      if (agent === null) {
        return adminApi.createAgent({ email: form.email.trim(), name: form.name.trim(), password: form.password, role, capacity, queueIds });
      }
      const patch: AgentPatch = { capacity, queueIds };
      if (!self) patch.role = role;
      return adminApi.updateAgent(agent.id, patch);
    });
    if (ok) onDone(true);
  };

  return (
    <EditorForm title={title} save={save} onSubmit={(e) => void onSubmit(e)} onCancel={() => onDone(false)}>
      {agent === null && (
        <>
          <Field label={t.email} problem={problems.email}>
            <input type="email" autocomplete="off" value={form.email} onInput={set('email')} aria-invalid={problems.email ? 'true' : undefined} />
          </Field>
          <Field label={t.name} problem={problems.name}>
            <input value={form.name} onInput={set('name')} maxLength={120} aria-invalid={problems.name ? 'true' : undefined} />
          </Field>
          <Field label={t.password} problem={problems.password} hint={t.passwordHint}>
            <input type="password" autocomplete="new-password" value={form.password} onInput={set('password')} aria-invalid={problems.password ? 'true' : undefined} />
          </Field>
        </>
      )}
      <Field label={t.role} {...(self ? { hint: t.ownRole } : {})}>
        <select value={role} onChange={(e) => {
            const picked = AGENT_ROLES.find((r) => r === e.currentTarget.value);
            if (picked) setRole(picked);
          }} disabled={self}>
          {AGENT_ROLES.map((r) => (
            <option key={r} value={r}>
              {t.roles[r]}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t.capacity} problem={problems.capacity} hint={t.capacityHint}>
        <input type="number" min={1} max={50} step={1} value={form.capacity} onInput={set('capacity')} aria-invalid={problems.capacity ? 'true' : undefined} />
      </Field>
      <CheckList
        legend={t.queues}
        empty={t.noQueues}
        options={queues.map((q) => ({ id: q.id, label: q.name }))}
        checked={queueIds}
        onChange={setQueueIds}
      />
    </EditorForm>
  );
}

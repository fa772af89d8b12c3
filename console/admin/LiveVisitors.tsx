/**
 * @module Visitors on the site now (SPEC R11): current page, time on site, returning or new, and whether
 * they are in a conversation; an agent can open that conversation or start one (a proactive chat).
 * Polls GET /visitors/live every 10 s while the tab is visible, and on Refresh.
 */
import { useEffect, useState } from 'preact/hooks';
import { countChars, MAX_MESSAGE_CHARS } from '../../shared/limits';
import { newClientId } from '../../shared/uuid';
import { adminApi, type LiveVisitor } from './admin-api';
import { formatDuration } from './board';
import { messageTextProblem, type Problem } from './forms';
import { useAction, useNow, useResource } from './hooks';
import { t, timeOfDay, visitorName } from './i18n';
import { InlineError, LoadedList } from './ui';
import './admin.css';

export const LIVE_VISITORS_POLL_MS = 10_000;

export function LiveVisitors({ onOpened }: { onOpened(conversationId: string): void }) {
  const list = useResource(async () => ({ visitors: await adminApi.liveVisitors(), at: Date.now() }), []);
  const now = useNow(5_000);
  const [composing, setComposing] = useState<string | null>(null);

  useEffect(() => {
    const poll = () => {
      if (document.visibilityState === 'visible') list.reload();
    };
    const timer = setInterval(poll, LIVE_VISITORS_POLL_MS);
    document.addEventListener('visibilitychange', poll);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', poll);
    };
  }, [list.reload]);

  const visitors = list.data?.visitors ?? null;
  const openButton = (conversationId: string) => (
    <button type="button" class="adm-primary" onClick={() => onOpened(conversationId)}>
      {t.open}
    </button>
  );
  return (
    <section class="adm adm-visitors" aria-labelledby="adm-visitors-title">
      <div class="adm-head">
        <h2 id="adm-visitors-title">
          {t.liveVisitors} {visitors && <span class="adm-count">{visitors.length}</span>}
        </h2>
        {list.data && <span class="adm-muted small">{t.updated(timeOfDay.format(list.data.at))}</span>}
        <button type="button" class="adm-ghost" onClick={list.reload} disabled={list.loading}>
          {list.loading ? t.loading : t.refresh}
        </button>
      </div>
      <InlineError message={list.error} />
      <LoadedList items={visitors} loading={list.loading} empty={t.noVisitors}>
        {(shown) => (
          <ul class="adm-list">
            {shown.map((v) => (
              <li key={v.id} class="adm-row column">
                <VisitorLine visitor={v} now={now} />
                <div class="adm-actions">
                  {v.conversationId !== null ? (
                    openButton(v.conversationId)
                  ) : composing === v.id ? null : (
                    <button type="button" class="adm-ghost" onClick={() => setComposing(v.id)}>
                      {t.startChat}
                    </button>
                  )}
                </div>
                {composing === v.id && v.conversationId === null && (
                  <StartChat
                    visitor={v}
                    onCancel={() => setComposing(null)}
                    onStarted={(conversationId) => {
                      setComposing(null);
                      list.reload();
                      onOpened(conversationId);
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}

function VisitorLine({ visitor: v, now }: { visitor: LiveVisitor; now: number }) {
  return (
    <div class="adm-main">
      <strong>{visitorName(v.id, v.name)}</strong>
      <span class="adm-tags">
        <span class="adm-tag">{v.returning ? t.returning : t.newVisitor}</span>
        {v.conversationId !== null && <span class="adm-tag on">{t.inConversation}</span>}
        <span class="adm-tag">
          {t.timeOnSite} {formatDuration(now - v.since)}
        </span>
      </span>
      {/* Title and URL come from the visitor's browser: text only, never markup or a live link. */}
      {v.page ? (
        <p class="adm-page">
          <span class="adm-page-title">{v.page.title || v.page.url}</span>
          <span class="adm-page-url">{v.page.url}</span>
        </p>
      ) : (
        <p class="adm-muted">{t.noPage}</p>
      )}
    </div>
  );
}

interface StartChatProps {
  visitor: LiveVisitor;
  onCancel: () => void;
  onStarted: (conversationId: string) => void;
}

function StartChat({ visitor, onCancel, onStarted }: StartChatProps) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  // One client id for this box: a retry after a lost answer (even with the text edited) is the same first
  // message, so the server opens one conversation, not two (SPEC D3). newClientId is crypto.randomUUID in a
  // secure context, with a fallback where the console is served over plain http.
  const [clientId] = useState(newClientId);
  const send = useAction();

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const found = messageTextProblem(text);
    setProblem(found);
    if (found) return;
    const started = await send.run(() => adminApi.startChat(visitor.id, clientId, text));
    if (started) onStarted(started.value.id);
  };

  return (
    <form class="adm-inline-form wide" onSubmit={(e) => void onSubmit(e)} noValidate>
      <label class="adm-field wide">
        <span class="adm-label">{t.firstMessage}</span>
        <textarea
          rows={2}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-invalid={problem ? 'true' : undefined}
        />
        <span class={`adm-hint${countChars(text) > MAX_MESSAGE_CHARS ? ' over' : ''}`}>
          {countChars(text)} / {MAX_MESSAGE_CHARS}
        </span>
        {problem && <span class="adm-problem">{t.problem(problem, t.firstMessage)}</span>}
      </label>
      <div class="adm-form-actions">
        <button type="submit" class="adm-primary" disabled={send.busy}>
          {send.busy ? t.sending : t.send}
        </button>
        <button type="button" class="adm-ghost" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
      <InlineError message={send.error} />
    </form>
  );
}

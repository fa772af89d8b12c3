/**
 * SPEC W3 and W5 through the visitor session: a message with uploaded files, or the pre-chat answers, goes
 * through the outbox like any message, so it is resent after a reconnect with the same ids and answers, and
 * the refusals resending cannot fix stop there (the form shows them).
 */
import { describe, expect, it } from 'vitest';
import type { Attachment } from '../../../shared/protocol';
import { ack, error, holding, setup, STORED, welcome } from '../session/session.fixtures';
import { timeline } from '../timeline';

const photo: Attachment = { id: 'file-1', name: 'foto.png', mime: 'image/png', size: 68, kind: 'image' };

describe('files and pre-chat answers through the outbox', () => {
  it('a message with attachments names their ids, keeps the files for the list, and is resent after a reconnect', () => {
    const t = holding(2);
    t.session.send('', { attachments: [photo] });
    const [sent] = t.messages();
    expect(sent).toMatchObject({ type: 'message.send', text: '', conversationId: 'conv-1', attachments: ['file-1'] });
    expect(t.storedOutbox()[0]?.attachments).toEqual([photo]);
    // The bubble shows the file while it waits.
    const waiting = timeline(t.session.view.events, t.session.view.outbox, 'conv-1').at(-1);
    expect(waiting).toMatchObject({ type: 'message', state: 'sending', text: '', attachments: [photo] });

    t.client.sent.length = 0;
    t.deliver(welcome({ id: 'conv-1', lastSeq: 2 }));
    expect(t.messages()).toEqual([expect.objectContaining({ clientId: sent!.clientId, attachments: ['file-1'] })]);
    t.deliver(ack(sent!.clientId, 'conv-1', 3));
    expect(t.storedOutbox()).toEqual([]);
  });

  it('the pre-chat answers go with the first message and with every resend of it', () => {
    const t = setup({ stored: { ...STORED, conversationId: null } });
    t.deliver(welcome(null));
    t.session.send('Olá', { prechat: { name: 'Joana', email: 'joana@example.com', consent: true } });
    const [first] = t.messages();
    expect(first).toMatchObject({ text: 'Olá', prechat: { name: 'Joana', email: 'joana@example.com', consent: true } });
    expect(first).not.toHaveProperty('conversationId');
    t.client.sent.length = 0;
    t.deliver(welcome(null));
    expect(t.messages()[0]).toMatchObject({ clientId: first!.clientId, prechat: { name: 'Joana' } });
  });

  it('a plain message carries neither', () => {
    const t = holding(1);
    t.session.send('oi');
    const frame = JSON.parse(JSON.stringify(t.messages()[0]));
    expect(frame).not.toHaveProperty('attachments');
    expect(frame).not.toHaveProperty('prechat');
  });

  it.each(['field_required', 'invalid_email', 'invalid_request', 'attachment_not_found'])('%s is final: kept as failed, not resent', (code) => {
    const t = setup({ stored: { ...STORED, conversationId: null } });
    t.deliver(welcome(null));
    t.session.send('Olá', { prechat: { name: '' } });
    const [first] = t.messages();
    t.deliver(error(code, first!.clientId));
    expect(t.session.view.outbox).toEqual([expect.objectContaining({ clientId: first!.clientId, failed: code, prechat: { name: '' } })]);
    t.client.sent.length = 0;
    t.deliver(welcome(null));
    expect(t.messages()).toEqual([]);
  });

  it('fileAccess names the server and the current token, for headers only', () => {
    const t = holding(1);
    expect(t.session.fileAccess()).toEqual({ server: 'https://chat.example', token: 'token-2' });
    expect(setup().session.fileAccess().token).toBeNull();
  });
});

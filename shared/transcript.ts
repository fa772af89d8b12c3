/**
 * @module A conversation's transcript as plain text: what the widget downloads, what is e-mailed and what
 * a ticket shows (SPEC T6). Only messages, and who joined or ended; the reader passes the events it may see.
 */
import type { ConversationEvent } from './protocol';

/**
 * The labels in Portuguese (Brazil), the key source: every other language is typed against it (the
 * console's locale tables are the pattern), so a missing label does not compile. One small table per
 * language, kept in this file: the widget's download and the server's e-mail render the same words.
 */
const ptBR = {
  title: 'Transcrição da conversa',
  visitor: 'Você',
  agent: 'Atendente',
  bot: 'Assistente',
  joined: (name: string) => `${name} entrou na conversa`,
  left: (name: string) => `${name} saiu da conversa`,
  ended: 'Você encerrou a conversa',
  closed: 'Conversa encerrada',
};

export type TranscriptLabels = typeof ptBR;

const en: TranscriptLabels = {
  title: 'Conversation transcript',
  visitor: 'You',
  agent: 'Agent',
  bot: 'Assistant',
  joined: (name) => `${name} joined the conversation`,
  left: (name) => `${name} left the conversation`,
  ended: 'You ended the conversation',
  closed: 'Conversation closed',
};

const es: TranscriptLabels = {
  title: 'Transcripción de la conversación',
  visitor: 'Usted',
  agent: 'Agente',
  bot: 'Asistente',
  joined: (name) => `${name} se unió a la conversación`,
  left: (name) => `${name} salió de la conversación`,
  ended: 'Usted terminó la conversación',
  closed: 'Conversación cerrada',
};

export const TRANSCRIPT_LABELS: Record<'pt-BR' | 'en' | 'es', TranscriptLabels> = { 'pt-BR': ptBR, en, es };

/**
 * One line per message or notice, oldest first, with the time in `timeZone` (UTC by default).
 *
 * @example renderTranscript(events, TRANSCRIPT_LABELS.en) // "Conversation transcript\n\n[2026-11-21 14:02] You: Hi\n..."
 */
export function renderTranscript(events: readonly ConversationEvent[], labels: TranscriptLabels, timeZone = 'UTC'): string {
  const stamp = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const lines: string[] = [];
  for (const e of events) {
    const at = `[${stamp.format(e.at)}]`;
    if (e.kind === 'message' && e.text !== null) {
      const who = e.author.kind === 'visitor' ? labels.visitor : e.author.kind === 'bot' ? labels.bot : (e.author.name ?? labels.agent);
      lines.push(`${at} ${who}: ${e.text}`);
    } else if ((e.kind === 'assigned' || e.kind === 'conference_joined') && e.author.name) {
      lines.push(`${at} ${labels.joined(e.author.name)}`);
    } else if (e.kind === 'conference_left' && e.author.name) {
      lines.push(`${at} ${labels.left(e.author.name)}`);
    } else if (e.kind === 'ended_by_visitor') {
      lines.push(`${at} ${labels.ended}`);
    } else if (e.kind === 'closed') {
      lines.push(`${at} ${labels.closed}`);
    }
  }
  return `${labels.title}\n\n${lines.join('\n')}\n`;
}

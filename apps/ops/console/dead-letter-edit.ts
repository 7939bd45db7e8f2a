import { api, navigate, say } from './api.js';
import { el, time } from './dom.js';

interface HistoryEntry {
  at: string;
  action: string;
  actor: string;
  detail?: { originalBody?: string; editedBody?: string; editedId?: number };
}

/**
 * Edit and retry: the operator corrects the body; Ops checks it against the event's schema version
 * before anything is sent, and answers a refusal with the check's words, shown under the form.
 */
export function editForm(id: number, body: string): HTMLElement {
  const text = el('textarea', { id: 'edit-body', spellcheck: 'false', 'aria-label': 'edited body' });
  text.value = body;
  const errors = el('p', { id: 'edit-errors', class: 'error-text', hidden: true });
  const submit = (event: Event) => {
    event.preventDefault();
    errors.hidden = true;
    api<{ original: { id: number }; edited: { id: number } }>('POST', '/dead-letters/' + id + '/edit', { body: text.value })
      .then((outcome) => {
        say('Edited dead letter ' + id + ': its copy ' + outcome.edited.id + ' was replayed; the original is kept, superseded');
        navigate('#/message/' + outcome.edited.id);
      })
      .catch((error: unknown) => {
        errors.textContent = error instanceof Error ? error.message : String(error);
        errors.hidden = false;
      });
  };
  return el('form', { id: 'edit-form', onsubmit: submit }, [
    el('h3', { text: 'Edit and retry' }),
    el('p', { class: 'muted', text: 'The edited body is checked against its schema version, then replayed as a copy; this one is kept.' }),
    text,
    errors,
    el('button', { id: 'edit-retry', type: 'submit', class: 'primary', text: 'Check and replay edited copy' }),
  ]);
}

/** An operator's action on a dead letter; an edit shows both bodies, as the audit keeps them. */
export function historyItem(h: HistoryEntry): HTMLElement {
  const line = time(h.at) + ' ' + h.action + ' by ' + h.actor;
  if (h.action !== 'edit' || !h.detail) return el('li', { text: line });
  return el('li', { class: 'history-edit' }, [
    line + ' (copy ',
    el('a', { href: '#/message/' + h.detail.editedId, text: String(h.detail.editedId) }),
    ')',
    el('details', {}, [
      el('summary', { text: 'original and edited body' }),
      el('pre', { class: 'history-original', text: h.detail.originalBody ?? '' }),
      el('pre', { class: 'history-edited', text: h.detail.editedBody ?? '' }),
    ]),
  ]);
}

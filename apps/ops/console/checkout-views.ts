import { api, fail, refresh, say } from './api.js';
import { el, render, table, time } from './dom.js';

interface UnfinishedCheckout {
  checkoutId: string;
  startedAt: string;
  ageSeconds: number;
  step: string | null;
  overdue: boolean;
  attempts: number;
  lastError: string | null;
}

function compensate(checkoutId: string): void {
  if (!confirm('Stop trying to finish checkout ' + checkoutId + ' and undo it (void, refund)?')) return;
  api<{ status: string; reason?: string }>('POST', '/checkouts/' + encodeURIComponent(checkoutId) + '/compensate')
    .then((outcome) => {
      say('Checkout ' + checkoutId + ': ' + outcome.status + (outcome.reason ? ' (' + outcome.reason + ')' : ''));
      return refresh();
    })
    .catch(fail);
}

export async function showCheckouts(): Promise<void> {
  const result = await api<{ count: number; oldestAgeSeconds: number; checkouts: UnfinishedCheckout[] }>('GET', '/checkouts/unfinished');
  const rows = result.checkouts.map((c) =>
    el('tr', { class: 'checkout', 'data-id': c.checkoutId }, [
      el('td', { text: c.checkoutId }),
      el('td', { text: time(c.startedAt) }),
      el('td', { class: 'num', text: c.ageSeconds.toFixed(1) }),
      el('td', { class: c.overdue ? 'status-paused' : '', text: (c.step || '') + (c.overdue ? ' (overdue)' : '') }),
      el('td', { class: 'num', text: c.attempts }),
      el('td', { class: 'error', text: c.lastError || '' }),
      el('td', {}, [el('button', { class: 'danger compensate', text: 'Compensate', onclick: () => compensate(c.checkoutId) })]),
    ]),
  );
  const summary =
    result.count === 0
      ? 'Every checkout is final.'
      : result.count + ' not final; the oldest started ' + result.oldestAgeSeconds.toFixed(1) + ' s ago.';
  render([
    el('h2', { text: 'Unfinished checkouts' }),
    el('p', { id: 'unfinished-summary', text: summary }),
    table(['Checkout', 'Started', 'Age (s)', 'Step', 'Attempts', 'Last error', ''], rows),
  ]);
}

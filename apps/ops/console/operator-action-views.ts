import { api, navigate } from './api.js';
import { el, render, table, time } from './dom.js';

interface OperatorAction {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: number;
  detail: { code?: string };
}

const FILTERS = ['operator', 'action', 'target', 'after', 'before'] as const;

/** The filter form; submitting it shows the first page of what matches. */
function filterForm(query: URLSearchParams): HTMLFormElement {
  const inputs = FILTERS.map((name) =>
    el('input', {
      id: 'actions-' + name,
      name,
      value: query.get(name) || '',
      placeholder: name === 'after' || name === 'before' ? 'ISO time' : '',
    }),
  );
  return el(
    'form',
    {
      id: 'actions-filter',
      class: 'toolbar',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = new URLSearchParams();
        for (const input of inputs) if (input.value.trim()) next.set(input.name, input.value.trim());
        navigate('#/actions?' + next.toString());
      },
    },
    [
      ...FILTERS.flatMap((name, i) => [el('label', { text: name + ' ' }, [inputs[i]]), ' ']),
      el('button', { type: 'submit', text: 'Search' }),
    ],
  );
}

/** What operators did, newest first, refusals included; "Older" follows the page's cursor. */
export async function showOperatorActions(query: URLSearchParams): Promise<void> {
  const search = new URLSearchParams();
  for (const name of [...FILTERS, 'cursor']) if (query.get(name)) search.set(name, query.get(name)!);
  const page = await api<{ items: OperatorAction[]; nextCursor: string | null }>('GET', '/operator-actions?' + search.toString());
  const rows = page.items.map((a) =>
    el('tr', { class: 'operator-action', 'data-actor': a.actor, 'data-action': a.action, 'data-outcome': a.outcome }, [
      el('td', { text: time(a.at) }),
      el('td', { text: a.actor }),
      el('td', { text: a.action }),
      el('td', { text: a.target }),
      el('td', {
        class: a.outcome >= 400 ? 'status-paused outcome' : 'outcome',
        text: a.outcome + (a.detail.code ? ' ' + a.detail.code : ''),
      }),
    ]),
  );
  const older = new URLSearchParams(search);
  if (page.nextCursor) older.set('cursor', page.nextCursor);
  render([
    el('h2', { text: 'Operator actions' }),
    filterForm(query),
    rows.length === 0
      ? el('p', { class: 'empty', text: 'No operator actions match.' })
      : table(['At', 'Operator', 'Action', 'Target', 'Outcome'], rows),
    page.nextCursor ? el('button', { id: 'actions-older', text: 'Older', onclick: () => navigate('#/actions?' + older.toString()) }) : null,
  ]);
}

import { api, fail, navigate, refresh, say } from './api.js';
import { editForm, historyItem } from './dead-letter-edit.js';
import { el, render, table, time } from './dom.js';

interface Group {
  queue: string;
  type: string | null;
  code: string;
  count: number;
  firstFailedAt: string;
  lastFailedAt: string;
  sampleError: string;
}
interface DeadLetter {
  id: number;
  queue: string;
  messageId: string;
  type: string | null;
  status: string;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  timesDeadLettered: number;
  firstFailedAt: string;
  lastFailedAt: string;
  replayCount: number;
  lastReplayedAt: string | null;
  lastReplayedBy: string | null;
  editOf: number | null;
  supersededAt: string | null;
  supersededBy: string | null;
}
interface DeadLetterDetail extends DeadLetter {
  body: string;
  bodyEncoding: string;
  headers: Record<string, unknown>;
  editedInto: number | null;
  history: Parameters<typeof historyItem>[0][];
}
interface Page {
  items: DeadLetter[];
  total: number;
  nextCursor: string | null;
}
interface DryRun {
  wouldReplay: number;
  groups: { queue: string; type: string | null; code: string; count: number }[];
}
/** Rows a page of the list loads; "Load more" fetches the next, with no ceiling. */
const PAGE_SIZE = 50;
interface BulkOutcome {
  requested: number;
  replayed?: number;
  archived?: number;
  failed?: unknown[];
}
type Selection = { ids: number[] } | { group: GroupKey };
type GroupKey = { queue: string; type: string | null; code: string };

const groupOf = (item: { queue: string; type: string | null; code?: string; errorCode?: string }): GroupKey => ({
  queue: item.queue,
  type: item.type || null,
  code: item.code || item.errorCode || '',
});
const listHash = (group: GroupKey): string =>
  '#/list?' + new URLSearchParams({ queue: group.queue, type: group.type || '', code: group.code }).toString();

function bulk(action: 'replay' | 'archive', selection: Selection, count: number): void {
  if (!confirm((action === 'replay' ? 'Replay ' : 'Archive ') + count + ' dead letter(s)?')) return;
  api<BulkOutcome>('POST', '/dead-letters/' + action, selection)
    .then((outcome) => {
      const done = action === 'replay' ? outcome.replayed : outcome.archived;
      const failed = outcome.failed ? outcome.failed.length : 0;
      say(
        (action === 'replay' ? 'Replayed ' : 'Archived ') + done + ' of ' + outcome.requested + (failed ? '; ' + failed + ' failed' : ''),
        failed > 0,
      );
      return refresh();
    })
    .catch(fail);
}

const DONE = { replay: 'Replayed', archive: 'Archived', skip: 'Skipped' } as const;

/** One dead letter's action; `after` draws what follows (the list, or the list it came from). */
function act(action: keyof typeof DONE, id: number, after: () => void): void {
  const question =
    'Skip dead letter ' + id + '? Its consumer counts it as applied without running it; the dead letters parked behind it follow.';
  if (action === 'skip' && !confirm(question)) return;
  api('POST', '/dead-letters/' + id + '/' + action)
    .then(() => {
      say(DONE[action] + ' dead letter ' + id + (action === 'archive' ? '' : ', with any dead letters parked behind it'));
      after();
    })
    .catch(fail);
}

/** A replay's dry run: how many it would send and from which groups, sending nothing. */
function dryRun(selection: Selection): void {
  api<DryRun>('POST', '/dead-letters/replay/dry-run', selection)
    .then((plan) => {
      const box = document.getElementById('dry-run');
      if (!box) return;
      box.replaceChildren(
        el('strong', { text: 'Dry run: would replay ' + plan.wouldReplay + ' dead letter(s); nothing was sent.' }),
        el(
          'ul',
          {},
          plan.groups.map((g) => el('li', { text: g.queue + ' · ' + (g.type || '(none)') + ' · ' + g.code + ': ' + g.count })),
        ),
      );
      box.hidden = false;
    })
    .catch(fail);
}

/** Search every dead letter by free text (type, error, stream id, message id) and time of last failure. */
function searchForm(): HTMLElement {
  const input = (id: string, attrs: Record<string, string>) => el('input', { id, name: id, ...attrs });
  const submit = (event: Event) => {
    event.preventDefault();
    const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value.trim();
    const iso = (local: string) => (local ? new Date(local).toISOString() : '');
    const query: Record<string, string> = { search: value('search-text'), from: iso(value('search-from')), to: iso(value('search-to')) };
    query.status = (document.getElementById('search-status') as HTMLSelectElement).value;
    navigate('#/list?' + new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString());
  };
  return el('form', { id: 'search-form', class: 'toolbar', onsubmit: submit }, [
    input('search-text', { type: 'search', placeholder: 'type, error, stream id…', 'aria-label': 'search text' }),
    el('label', {}, [' from ', input('search-from', { type: 'datetime-local' })]),
    el('label', {}, [' to ', input('search-to', { type: 'datetime-local' })]),
    el('select', { id: 'search-status', 'aria-label': 'status' }, [
      el('option', { value: 'dead', text: 'dead' }),
      el('option', { value: 'all', text: 'any status' }),
    ]),
    el('button', { type: 'submit', text: 'Search' }),
  ]);
}

export async function showGroups(): Promise<void> {
  const title = el('h2', { text: 'Dead-letter groups' });
  const groups = await api<Group[]>('GET', '/dead-letters/groups');
  // The refresh timer redraws this view: a dry run's answer or a search being typed must survive it.
  if (document.getElementById('search-form')) return updateGroups(groups);
  const box = el('div', { id: 'dry-run', class: 'notice-box', hidden: true });
  render([title, searchForm(), box, el('div', { id: 'groups' })]);
  updateGroups(groups);
}

function updateGroups(groups: Group[]): void {
  const holder = document.getElementById('groups');
  if (!holder) return;
  if (groups.length === 0) return holder.replaceChildren(el('p', { class: 'muted empty', text: 'No dead letters.' }));
  const rows = groups.map((g) =>
    el('tr', { class: 'group', 'data-queue': g.queue, 'data-code': g.code }, [
      el('td', { text: g.queue }),
      el('td', { text: g.type || '(none)' }),
      el('td', { title: g.sampleError }, [el('code', { text: g.code })]),
      el('td', { class: 'num', text: g.count }),
      el('td', { text: time(g.firstFailedAt) }),
      el('td', { text: time(g.lastFailedAt) }),
      el('td', {}, [
        el('a', { href: listHash(g), class: 'button open-group', text: 'Open' }),
        el('button', { class: 'dry-run', text: 'Dry run', onclick: () => dryRun({ group: groupOf(g) }) }),
        el('button', { class: 'primary', text: 'Replay all', onclick: () => bulk('replay', { group: groupOf(g) }, g.count) }),
        el('button', { class: 'danger', text: 'Archive all', onclick: () => bulk('archive', { group: groupOf(g) }, g.count) }),
      ]),
    ]),
  );
  holder.replaceChildren(table(['Queue', 'Type', 'Error', 'Count', 'First failure', 'Last failure', ''], rows));
}

/** The filters a list address carries: a group (queue, type, code), or a search (text, time range, status). */
const FILTERS = ['queue', 'type', 'code', 'search', 'from', 'to', 'status'] as const;

export async function showList(params: URLSearchParams): Promise<void> {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const name of FILTERS) if (params.has(name)) query.set(name, params.get(name) || '');
  const isGroup = params.has('code');
  const page = await api<Page>('GET', '/dead-letters?' + query.toString());
  const selected = (): number[] =>
    [...document.querySelectorAll<HTMLInputElement>('#view input.pick:checked')].map((box) => Number(box.value));
  const rowOf = (d: DeadLetter) =>
    el('tr', { class: 'dead-letter', 'data-id': d.id, 'data-message-id': d.messageId }, [
      el('td', {}, [el('input', { type: 'checkbox', class: 'pick', value: d.id, 'aria-label': 'select ' + d.id })]),
      el('td', {}, [el('a', { href: '#/message/' + d.id, class: 'open-message', text: d.messageId })]),
      el('td', { text: isGroup ? d.attempts : d.queue + ' · ' + (d.type || '(none)') + ' · ' + d.errorCode }),
      el('td', { text: time(d.lastFailedAt) }),
      el('td', { class: 'error', title: d.errorMessage, text: d.errorMessage }),
      el('td', {}, [
        d.status === 'dead'
          ? el('button', { class: 'primary replay', text: 'Replay', onclick: () => act('replay', d.id, refresh) })
          : el('span', { class: 'muted', text: d.status }),
        d.status === 'dead'
          ? el('button', { class: 'danger archive', text: 'Archive', onclick: () => act('archive', d.id, refresh) })
          : null,
      ]),
    ]);
  const onSelected = (action: 'replay' | 'archive') => () => {
    const ids = selected();
    if (ids.length) bulk(action, { ids }, ids.length);
  };
  const body = el('tbody', {}, page.items.map(rowOf));
  const count = el('p', { id: 'list-count', class: 'muted' });
  let shown = page.items.length;
  let cursor = page.nextCursor;
  const more = el('button', { id: 'load-more', text: 'Load ' + PAGE_SIZE + ' more' });
  const counted = () => {
    count.textContent = page.total + ' dead letter(s)' + (shown < page.total ? ', ' + shown + ' shown' : '');
    more.hidden = cursor === null;
  };
  more.addEventListener('click', () => {
    if (cursor === null) return;
    query.set('cursor', cursor);
    api<Page>('GET', '/dead-letters?' + query.toString())
      .then((next) => {
        body.append(...next.items.map(rowOf));
        shown += next.items.length;
        cursor = next.nextCursor;
        counted();
      })
      .catch(fail);
  });
  counted();
  const title = isGroup
    ? (params.get('queue') || '') + ' · ' + (params.get('type') || '(no type)') + ' · ' + params.get('code')
    : 'Search' + (params.get('search') ? ': "' + params.get('search') + '"' : '');
  const headings = ['', 'Message id', isGroup ? 'Attempts' : 'Queue · type · error', 'Last failure', 'Error', ''];
  render([
    el('p', {}, [el('a', { href: '#/groups', text: '← all groups' })]),
    el('h2', { text: title }),
    count,
    el('div', { class: 'toolbar' }, [
      el('button', { class: 'primary', text: 'Replay selected', onclick: onSelected('replay') }),
      el('button', { class: 'danger', text: 'Archive selected', onclick: onSelected('archive') }),
      el('button', { id: 'dry-run-selected', text: 'Dry run selected', onclick: () => selected().length && dryRun({ ids: selected() }) }),
    ]),
    el('div', { id: 'dry-run', class: 'notice-box', hidden: true }),
    page.items.length
      ? el('table', {}, [
          el('thead', {}, [
            el(
              'tr',
              {},
              headings.map((h) => el('th', { text: h })),
            ),
          ]),
          body,
        ])
      : el('p', { class: 'muted empty', text: isGroup ? 'None left in this group.' : 'No dead letter matches.' }),
    more,
  ]);
}

function prettyBody(d: DeadLetterDetail): string {
  if (d.bodyEncoding !== 'utf8') return d.body;
  try {
    return JSON.stringify(JSON.parse(d.body), null, 2);
  } catch {
    return d.body;
  }
}

export async function showMessage(id: string): Promise<void> {
  const d = await api<DeadLetterDetail>('GET', '/dead-letters/' + encodeURIComponent(id));
  const back = () => navigate(listHash(groupOf(d)));
  const replays = d.replayCount + (d.lastReplayedAt ? ', last ' + time(d.lastReplayedAt) + ' by ' + d.lastReplayedBy : '');
  const fields: [string, string | number][] = [
    ['Id', d.id],
    ['Queue', d.queue],
    ['Message id', d.messageId],
    ['Type', d.type || '(none)'],
    ['Status', d.status],
    ['Error', d.errorCode + ': ' + d.errorMessage],
    ['Attempts', d.attempts],
    ['Dead-lettered', d.timesDeadLettered + ' time(s)'],
    ['First failure', time(d.firstFailedAt)],
    ['Last failure', time(d.lastFailedAt)],
    ['Replays', replays],
  ];
  if (d.editOf !== null) fields.push(['Edited copy of', d.editOf]);
  if (d.status === 'superseded') fields.push(['Superseded', time(d.supersededAt) + ' by ' + d.supersededBy + ', copy ' + d.editedInto]);
  const actions =
    d.status === 'dead'
      ? [
          el('button', { id: 'replay-message', class: 'primary', text: 'Replay', onclick: () => act('replay', d.id, back) }),
          el('button', { id: 'skip-message', text: 'Skip', onclick: () => act('skip', d.id, back) }),
          el('button', { id: 'archive-message', class: 'danger', text: 'Archive', onclick: () => act('archive', d.id, back) }),
        ]
      : [];
  render([
    el('p', {}, [el('a', { href: listHash(groupOf(d)), text: '← ' + d.queue + ' · ' + d.errorCode })]),
    el('h2', { text: 'Dead letter ' + d.id }),
    el(
      'dl',
      { id: 'message-fields' },
      fields.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { text: value })]),
    ),
    el('div', { class: 'toolbar' }, actions),
    el('h3', { text: 'Body (' + d.bodyEncoding + ')' }),
    el('pre', { id: 'message-body', text: prettyBody(d) }),
    d.status === 'dead' && d.bodyEncoding === 'utf8' ? editForm(d.id, prettyBody(d)) : null,
    el('h3', { text: 'Headers' }),
    el('pre', { id: 'message-headers', text: JSON.stringify(d.headers, null, 2) }),
    el('h3', { text: 'History' }),
    d.history.length ? el('ul', {}, d.history.map(historyItem)) : el('p', { class: 'muted', text: 'No operator action yet.' }),
  ]);
}

interface ParkedStream {
  queue: string;
  streamId: string;
  blocker: {
    id: number | null;
    messageId: string;
    version: number | null;
    errorCode: string | null;
    errorMessage: string | null;
    status: string | null;
  };
  parked: number;
  parkedVersions: number[];
  parkedSince: string;
}

const versions = (list: number[]): string =>
  list.length > 6 ? list.slice(0, 3).join(', ') + ' … ' + list[list.length - 1] : list.join(', ');

/** Streams a consumer holds behind a dead letter (the blocker): replaying or skipping the blocker releases the rest in order. */
export async function showParked(): Promise<void> {
  const title = el('h2', { text: 'Parked streams' });
  const streams = await api<ParkedStream[]>('GET', '/dead-letters/parked');
  if (streams.length === 0) return render([title, el('p', { class: 'muted empty', text: 'No parked streams.' })]);
  const rows = streams.map((s) => {
    const b = s.blocker;
    const blockerId = b.id;
    const dead = blockerId !== null && b.status === 'dead';
    const onBlocker = (action: 'replay' | 'skip') => () => blockerId !== null && act(action, blockerId, refresh);
    return el('tr', { class: 'parked-stream', 'data-queue': s.queue, 'data-stream': s.streamId }, [
      el('td', { text: s.queue }),
      el('td', { text: s.streamId }),
      el('td', {}, [
        blockerId === null
          ? el('span', { class: 'muted', text: 'not stored: ' + b.messageId })
          : el('a', { href: '#/message/' + blockerId, class: 'open-blocker', text: String(blockerId) }),
      ]),
      el('td', { class: 'num', text: b.version == null ? '?' : b.version }),
      el('td', {
        class: 'error',
        title: b.errorMessage || '',
        text: (b.errorCode || '?') + (b.status && b.status !== 'dead' ? ' (' + b.status + ')' : ''),
      }),
      el('td', { class: 'num', text: s.parked }),
      el('td', { text: versions(s.parkedVersions) }),
      el('td', { text: time(s.parkedSince) }),
      el('td', {}, [
        el('button', { class: 'primary replay-blocker', text: 'Replay blocker', disabled: !dead, onclick: onBlocker('replay') }),
        el('button', { class: 'skip-blocker', text: 'Skip blocker', disabled: !dead, onclick: onBlocker('skip') }),
      ]),
    ]);
  });
  const hint = 'Fix the cause, then replay the blocker, or skip it to go on without it; the parked dead letters follow in version order.';
  const headings = ['Queue', 'Stream', 'Blocker', 'Blocker version', 'Blocker error', 'Parked', 'Parked versions', 'Since', ''];
  render([title, el('p', { class: 'muted', text: hint }), table(headings, rows)]);
}

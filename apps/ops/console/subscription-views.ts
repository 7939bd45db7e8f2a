import { api, fail, refresh, say } from './api.js';
import { byId, Child, el, fixed, render, table } from './dom.js';

interface Backfill {
  total: number;
  remaining: number;
  done: boolean;
  ratePerSecond: number | null;
}
interface Subscription {
  name: string;
  producer: string;
  consumer: string;
  status: string;
  lagEvents: number | null;
  lagSeconds: number | null;
  cursorPosition: string | null;
  appliedP50Seconds?: number | null;
  appliedP99Seconds?: number | null;
  backfill?: Backfill | null;
  registeredAt?: string | null;
}
type Frontier =
  | {
      held: true;
      transactionId: string;
      heldSeconds: number | null;
      pid: number | null;
      database: string | null;
      query: string | null;
      relayRefusal?: string | null;
    }
  | { held: false; relayRefusal?: string | null }
  | { held: null; error: string; relayRefusal?: string | null };
interface Producer {
  producer: string;
  available: boolean;
  error?: string;
  frontier?: Frontier;
}

function backfillCell(b: Backfill | null | undefined): Child[] {
  if (!b) return [];
  const delivered = b.total - b.remaining;
  const progress = b.done ? 'done, ' + b.total + ' events' : delivered + '/' + b.total;
  return [
    el('progress', { max: Math.max(b.total, 1), value: b.total === 0 ? 1 : delivered }),
    ' ' + progress + (b.ratePerSecond ? ' (≤ ' + b.ratePerSecond + '/s)' : ''),
  ];
}

function frontierText(p: Producer): string {
  const f: Frontier = p.frontier || { held: null, error: 'not reported' };
  let text: string;
  if (f.held === true) {
    const since = f.heldSeconds == null ? '' : ' for ' + f.heldSeconds.toFixed(1) + ' s';
    const backend = f.pid ? ' (pid ' + f.pid + ', ' + f.database + ': ' + f.query + ')' : '';
    text = p.producer + ': commit frontier HELD' + since + ' by transaction ' + f.transactionId + backend;
  } else if (f.held === false) text = p.producer + ': commit frontier free';
  else text = p.producer + ': frontier unknown (' + f.error + ')';
  return f.relayRefusal ? text + '; relay refuses to run: ' + f.relayRefusal : text;
}

function subscriptionRow(s: Subscription): HTMLTableRowElement {
  const busy = s.status === 'unavailable';
  const action = (name: string, body?: object) =>
    api('POST', '/subscriptions/' + encodeURIComponent(s.name) + '/' + name, body)
      .then(() => {
        say(name + ' ' + s.name + ': done');
        return refresh();
      })
      .catch(fail);
  const rewind = () => {
    const answer = prompt('Re-deliver into ' + s.name + ' every event after which global position? 0 rebuilds the consumer.', '0');
    if (answer !== null && /^\d+$/.test(answer.trim())) void action('rewind', { toPosition: Number(answer.trim()) });
  };
  const remove = () => {
    const answer = prompt('Removing deletes the subscription ' + s.name + ' and its cursor. Type its name to confirm.', '');
    if (answer !== null && answer.trim() === s.name) void action('remove', { confirm: s.name });
  };
  return el('tr', { class: 'subscription', 'data-name': s.name }, [
    el('td', { text: s.name }),
    el('td', { text: s.producer }),
    el('td', { text: s.consumer }),
    el('td', { class: 'status-' + s.status, text: s.status }),
    el('td', { class: 'num lag-events', text: s.lagEvents === null ? '–' : s.lagEvents }),
    el('td', { class: 'num', text: fixed(s.lagSeconds, 1) }),
    el('td', { class: 'num', text: s.cursorPosition === null ? '–' : s.cursorPosition }),
    el('td', { class: 'num applied-p50', text: fixed(s.appliedP50Seconds, 3) }),
    el('td', { class: 'num applied-p99', text: fixed(s.appliedP99Seconds, 3) }),
    el('td', { class: 'backfill' }, backfillCell(s.backfill)),
    el('td', {}, [
      el('button', {
        text: s.status === 'paused' ? 'Resume' : 'Pause',
        disabled: busy,
        onclick: () => void action(s.status === 'paused' ? 'resume' : 'pause'),
      }),
      el('button', { class: 'danger', text: 'Rewind…', disabled: busy, onclick: rewind }),
      s.registeredAt ? el('button', { class: 'danger remove', text: 'Remove…', disabled: busy, onclick: remove }) : null,
    ]),
  ]);
}

export async function showSubscriptions(): Promise<void> {
  const result = await api<{ producers: Producer[]; subscriptions: Subscription[] }>('GET', '/subscriptions');
  const down = result.producers.filter((p) => !p.available);
  const frontiers = result.producers.map((p) =>
    el('li', { class: 'frontier' + (p.frontier?.held ? ' status-dead' : ''), 'data-producer': p.producer, text: frontierText(p) }),
  );
  const headings = [
    'Queue',
    'Producer',
    'Consumer',
    'Status',
    'Lag (events)',
    'Lag (s)',
    'Cursor',
    'Applied p50 (s)',
    'Applied p99 (s)',
    'Backfill',
    '',
  ];
  const provisionFirst =
    'Its broker user and queues come first from the administrator: npm run provision -- --add-consumer <name> --producer <producer>.';
  render([
    el('h2', { text: 'Subscriptions' }),
    el('ul', { id: 'frontiers' }, frontiers),
    down.length
      ? el('p', { class: 'status-unavailable', text: 'Unavailable: ' + down.map((p) => p.producer + ' (' + p.error + ')').join(', ') })
      : null,
    table(headings, result.subscriptions.map(subscriptionRow)),
    el('h3', { text: 'Register a consumer' }),
    el('p', { class: 'muted', text: provisionFirst }),
    consumerForm(),
  ]);
  // A running backfill is followed every second, not every five.
  if (result.subscriptions.some((s) => s.backfill && !s.backfill.done)) {
    setTimeout(() => location.hash === '#/subscriptions' && void refresh(), 1000);
  }
}

// Built once, so that what the operator typed survives the view's refreshes.
let registerForm: HTMLFormElement | null = null;

function consumerForm(): HTMLFormElement {
  if (registerForm) return registerForm;
  const field = (id: string, label: string, placeholder: string, value?: string) =>
    el('label', {}, [label + ' ', el('input', { id, placeholder, value })]);
  const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
  const register = (event: Event) => {
    event.preventDefault();
    const body: { name: string; from: string; eventTypes?: string[]; backfillRatePerSecond?: number } = {
      name: value('consumer-queue'),
      from: value('consumer-from') || '0',
    };
    const types = value('consumer-types')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (types.length) body.eventTypes = types;
    if (value('consumer-rate')) body.backfillRatePerSecond = Number(value('consumer-rate'));
    api('POST', '/subscriptions', body)
      .then(() => {
        say('Registered ' + body.name + ' from ' + body.from + '; its backfill shows in the table.');
        byId<HTMLInputElement>('consumer-queue').value = '';
        return refresh();
      })
      .catch(fail);
  };
  registerForm = el('form', { id: 'register-consumer', onsubmit: register }, [
    field('consumer-queue', 'Queue', 'bi.account-events'),
    field('consumer-types', 'Event types', 'every type, or AccountOpened,LimitUpdated'),
    field('consumer-from', 'From', '0 or now', '0'),
    field('consumer-rate', 'Backfill events/s', 'full speed'),
    el('button', { type: 'submit', text: 'Register' }),
  ]);
  return registerForm;
}

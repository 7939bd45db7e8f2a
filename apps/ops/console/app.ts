/**
 * The Ops console: plain browser code, no framework, no CDN. Every value from the API is written as
 * text, never as HTML (dom.ts `el`), because dead letters carry arbitrary bytes.
 */
import { TOKEN_KEY, clearNoticeUnlessKept, refresh, showing } from './api.js';
import { showCheckouts } from './checkout-views.js';
import { showGroups, showList, showMessage, showParked } from './dead-letter-views.js';
import { showOperatorActions } from './operator-action-views.js';
import { byId } from './dom.js';
import { showSubscriptions } from './subscription-views.js';

const SECTIONS = ['groups', 'parked', 'subscriptions', 'checkouts', 'actions'] as const;
/** The views that refresh themselves; a list or a message waits for the operator. */
const OVERVIEWS = new Set(['', '#/groups', '#/subscriptions', '#/checkouts', '#/parked']);

function route(): Promise<void> {
  const [path, query = ''] = (location.hash.replace(/^#\/?/, '') || 'groups').split('?');
  const [section, id = ''] = path.split('/');
  // A list or a message belongs to the dead letters.
  const current = SECTIONS.find((s) => s === section) ?? 'groups';
  for (const s of SECTIONS) byId('nav-' + s).className = s === current ? 'active' : '';
  switch (section) {
    case 'subscriptions':
      return showing(showSubscriptions);
    case 'parked':
      return showing(showParked);
    case 'checkouts':
      return showing(showCheckouts);
    case 'actions':
      return showing(() => showOperatorActions(new URLSearchParams(query)));
    case 'list':
      return showing(() => showList(new URLSearchParams(query)));
    case 'message':
      return showing(() => showMessage(id));
    default:
      return showing(showGroups);
  }
}

function showAuth(): void {
  byId('auth-state').textContent = sessionStorage.getItem(TOKEN_KEY) ? 'token set' : 'no token: enter your operator credential';
}

byId('auth').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = byId<HTMLInputElement>('token').value.trim();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  byId<HTMLInputElement>('token').value = '';
  showAuth();
});
byId('forget-token').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showAuth();
});
window.addEventListener('hashchange', () => {
  clearNoticeUnlessKept();
  void route();
});
setInterval(() => {
  if (!document.hidden && OVERVIEWS.has(location.hash)) void refresh();
}, 5000);
showAuth();
void route();

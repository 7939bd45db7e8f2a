import { byId } from './dom.js';

/** Where the page keeps the operator's credential: this tab only, gone when it closes. */
export const TOKEN_KEY = 'ops.token';

/**
 * Calls the Ops API with the operator's credential, which alone says who acts; a refusal becomes an
 * Error an operator can act on.
 */
export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = 'Bearer ' + token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  if (response.ok) return data as T;
  const problem = (data ?? {}) as { detail?: string; title?: string };
  let detail = problem.detail || problem.title || 'HTTP ' + response.status;
  if (response.status === 401) detail = 'Enter the operator token first (your credential). ' + detail;
  if (response.status === 403) detail = 'Your role does not allow this. ' + detail;
  throw new Error(detail);
}

// A notice survives the one navigation the console makes itself (back to the list after a replay).
let keepNotice = false;
let shownView: () => Promise<void> = () => Promise.resolve();

export function say(message: string, isError = false): void {
  const notice = byId('notice');
  notice.textContent = message;
  notice.className = isError ? 'error' : '';
  notice.hidden = false;
}

export const fail = (error: unknown): void => say(error instanceof Error ? error.message : String(error), true);

/** Draws the view of the current address again (after an action, or on the refresh timer). */
export const refresh = (): Promise<void> => shownView().catch(fail);

/** Sets the function that draws the current view; the router calls it on every navigation. */
export function showing(view: () => Promise<void>): Promise<void> {
  shownView = view;
  return refresh();
}

export function navigate(hash: string): void {
  if (location.hash === hash) {
    void refresh();
    return;
  }
  keepNotice = true;
  location.hash = hash;
}

/** On a navigation the operator made, an old notice goes; on one the console made, it stays. */
export function clearNoticeUnlessKept(): void {
  if (!keepNotice) byId('notice').hidden = true;
  keepNotice = false;
}

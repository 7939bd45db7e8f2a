/** What `el` sets on an element: text, attributes, and `on<event>` listeners. */
export type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;
export type Child = Node | string | null | undefined;

/**
 * Builds an element. API values go in as text (`text`, attributes, string children), never as
 * HTML: dead letters carry arbitrary bytes, and the page must never run them.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attributes = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export function table(headings: string[], rows: Node[]): HTMLTableElement {
  return el('table', {}, [
    el('thead', {}, [
      el(
        'tr',
        {},
        headings.map((h) => el('th', { text: h })),
      ),
    ]),
    el('tbody', {}, rows),
  ]);
}

/** An ISO timestamp as `YYYY-MM-DD hh:mm:ssZ`, or nothing. */
export const time = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '';

/** A number with `digits` decimals, or a dash when there is none. */
export const fixed = (value: number | null | undefined, digits: number): string => (value == null ? '–' : value.toFixed(digits));

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The console page has no #${id}`);
  return node as T;
}

export const render = (nodes: Child[]): void => byId('view').replaceChildren(...nodes.filter((n): n is Node | string => n != null));

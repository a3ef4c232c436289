// Builds elements from data. Everything that comes from the registry is set as text, never parsed as HTML, so a
// document's text or a crawler's URL cannot run in the curator's browser.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** A link inside the console (hash routes, so the server serves one page). */
export function link(route: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href: `#${route}` }, ...children);
}

/** A link to a source URL the registry stored: only the schemes registration accepts become links. */
export function sourceLink(uri: string | null): Node {
  if (!uri) return document.createTextNode('–');
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  return scheme === 'http' || scheme === 'https'
    ? h('a', { href: uri, rel: 'noopener noreferrer nofollow', target: '_blank', class: 'uri' }, uri)
    : h('span', { class: 'uri' }, uri);
}

export function formatTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

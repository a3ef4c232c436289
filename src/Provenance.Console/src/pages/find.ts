// Find: one box for an id, a content hash, a source URL or a phrase of the text (GET /v1/documents?q=).
import { api } from '../api';
import { append, h, link, sourceLink } from '../dom';

const Kinds: Record<string, string> = { id: 'document id', hash: 'content hash', url: 'source URL', text: 'text' };

export async function renderFind(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const q = params.get('q') ?? '';
  const input = h('input', { id: 'q', name: 'q', type: 'search', value: q, size: 60, autocomplete: 'off',
    'aria-describedby': 'q-help' });
  const form = h('form', { role: 'search', class: 'find' },
    h('label', { for: 'q' }, 'Find documents'), input, h('button', { type: 'submit' }, 'Find'),
    h('p', { id: 'q-help', class: 'help' },
      'A document id, a content hash (with or without sha256:), a source URL, or words of the text; "quote" an exact phrase.'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `/find?q=${encodeURIComponent(input.value.trim())}`;
  });
  append(main, h('h1', {}, 'Find'), form);
  if (!q.trim()) {
    input.focus();
    return;
  }
  const results = h('section', { 'aria-labelledby': 'results-title', 'aria-live': 'polite' });
  append(main, results);
  await showPage(results, q, params.get('cursor'));
}

async function showPage(results: HTMLElement, q: string, cursor: string | null): Promise<void> {
  const page = await api.search(q, cursor);
  const title = h('h2', { id: 'results-title' },
    `${page.items.length === 0 ? 'No documents' : `${page.items.length} document${page.items.length === 1 ? '' : 's'}`} found by ${Kinds[page.kind]}`);
  const list = h('ol', { class: 'hits' },
    ...page.items.map((hit) => h('li', { class: 'hit', 'data-testid': 'hit' },
      h('p', {}, link(`/documents/${hit.id}`, `Document ${hit.id}`), ' ', h('span', { class: `class class-${hit.class}` }, hit.class)),
      h('p', { class: 'hash' }, `sha256:${hit.contentHash}`),
      h('p', { class: 'source' }, 'First seen at ', sourceLink(hit.sourceUri)),
      h('blockquote', { class: 'snippet' }, hit.snippet))));
  const more = page.next
    ? h('p', {}, link(`/find?q=${encodeURIComponent(q)}&cursor=${encodeURIComponent(page.next)}`, 'Next page'))
    : null;
  results.replaceChildren(title, list, more ?? '');
}

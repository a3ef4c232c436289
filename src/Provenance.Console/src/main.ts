// The console's shell: sign-in, the header with the signed-in key and its role, and a hash router over the pages.
import './style.css';
import { ApiError, api } from './api';
import { append, h, link } from './dom';
import { session } from './session';
import { renderFind } from './pages/find';
import { renderDocument } from './pages/document';
import { renderDatasetDiff, renderDatasets, renderDatasetVersion } from './pages/datasets';
import { renderAssemble } from './pages/assemble';
import { renderOverview } from './pages/overview';
import { renderLineage } from './pages/lineage';

const app = document.getElementById('app')!;

function header(): HTMLElement {
  const who = session.who()!;
  return h('header', { class: 'bar' },
    h('span', { class: 'brand' }, 'Provenance console'),
    h('nav', { 'aria-label': 'Console' }, session.may('read') ? link('/find', 'Find') : null,
      session.may('read') ? link('/overview', 'Overview') : null,
      session.may('read') ? link('/datasets', 'Datasets') : null),
    h('span', { class: 'who', 'data-testid': 'who' }, 'Signed in as ', h('strong', {}, who.name), ' · role ',
      h('strong', { 'data-testid': 'role' }, who.role)),
    h('button', { type: 'button', onclick: () => { session.signOut(); location.hash = ''; render(); } }, 'Sign out'));
}

function signIn(message?: string): void {
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const status = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const form = h('form', { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h('p', {}, 'Paste an API key. It is kept in this tab only (sessionStorage) and sent to the registry in a header.'),
    h('label', { for: 'api-key' }, 'API key'), input,
    h('button', { type: 'submit' }, 'Sign in'), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    try {
      session.signIn(key, await api.me(key));
      input.value = '';
      render();
    } catch (e) {
      session.signOut();
      status.textContent = e instanceof ApiError ? e.detail : 'The registry did not answer.';
    }
  });
  app.replaceChildren(h('main', { id: 'main' }, form));
  input.focus();
}

async function render(): Promise<void> {
  if (!session.key()) {
    signIn();
    return;
  }
  if (!session.who()) {
    try {
      session.restore(await api.me());
    } catch (e) {
      session.signOut();
      signIn(e instanceof ApiError ? e.detail : undefined);
      return;
    }
  }
  const main = h('main', { id: 'main' });
  app.replaceChildren(header(), main);
  const route = location.hash.replace(/^#/, '') || '/find';
  const [path, query = ''] = route.split('?', 2);
  const documentMatch = /^\/documents\/([^/]+)$/.exec(path);
  const datasetMatch = /^\/datasets\/([^/]+)$/.exec(path);
  const lineageMatch = /^\/documents\/([^/]+)\/lineage$/.exec(path);
  try {
    if (!session.may('read')) {
      append(main, h('h1', {}, 'Nothing to read'),
        h('p', {}, `The role ${session.who()!.role} may not read documents; sign in with a curator, trainer or admin key.`));
    } else if (path === '/overview') {
      await renderOverview(main);
    } else if (documentMatch) {
      await renderDocument(main, decodeURIComponent(documentMatch[1]));
    } else if (path === '/datasets') {
      await renderDatasets(main);
    } else if (path === '/datasets/diff') {
      await renderDatasetDiff(main, new URLSearchParams(query));
    } else if (path === '/datasets/assemble') {
      if (session.may('assemble_datasets')) renderAssemble(main);
      else append(main, h('h1', {}, 'Assemble a dataset version'), h('p', {}, `The role ${session.who()!.role} may not assemble datasets; sign in with a trainer or admin key.`));
    } else if (datasetMatch) {
      await renderDatasetVersion(main, decodeURIComponent(datasetMatch[1]));
    } else if (lineageMatch) {
      await renderLineage(main, decodeURIComponent(lineageMatch[1]), new URLSearchParams(query));
    } else {
      await renderFind(main, new URLSearchParams(query));
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session.signOut();
      signIn(e.detail);
      return;
    }
    append(main, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.detail : String(e)));
  }
}

window.addEventListener('hashchange', () => void render());
void render();

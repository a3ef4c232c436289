// A document: metadata, current class and the assertion that decides it, sightings and the assertion history.
import { api } from '../api';
import { append, formatTime, h, link, sourceLink } from '../dom';

export async function renderDocument(main: HTMLElement, ref: string): Promise<void> {
  const doc = await api.document(ref);
  const deciding = doc.assertions.find((a) => a.effective);
  const row = (name: string, ...value: (Node | string)[]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, ...value));
  append(main,
    h('p', {}, link('/find', '← Find')),
    h('h1', {}, `Document ${doc.id}`),
    h('p', {}, link(`/documents/${doc.id}/lineage`, 'Lineage graph')),
    h('table', { class: 'facts' },
      h('caption', { class: 'visually-hidden' }, 'Metadata'),
      h('tbody', {},
        row('Content hash', h('code', {}, `sha256:${doc.contentHash}`)),
        row('Class', h('span', { class: `class class-${doc.class}`, 'data-testid': 'class' }, doc.class),
          doc.generator ? ` (${doc.generator})` : ''),
        row('Decided by', deciding
          ? `${deciding.kind} assertion by ${deciding.assertedBy}, ${formatTime(deciding.assertedAt)}`
          : 'no assertion yet'),
        row('Depth', doc.depth === null ? 'unknown' : String(doc.depth)),
        row('Size', `${doc.charCount.toLocaleString('en')} characters, ${doc.tokenCount.toLocaleString('en')} tokens`),
        row('Language / licence', `${doc.language ?? '–'} / ${doc.licence ?? '–'}`),
        row('Seen', `${formatTime(doc.firstSeen)} to ${formatTime(doc.lastSeen)}, ${doc.sightingCount} sighting${doc.sightingCount === 1 ? '' : 's'}`))),
    doc.parents.length === 0 ? '' : h('section', { 'aria-labelledby': 'parents-title' },
      h('h2', { id: 'parents-title' }, 'Parents'),
      h('ul', {}, ...doc.parents.map((p) => h('li', {}, link(`/documents/${p.id}`, `Document ${p.id}`), ` ${p.relation}`,
        p.generator ? ` by ${p.generator}` : '')))),
    h('section', { 'aria-labelledby': 'sightings-title' },
      h('h2', { id: 'sightings-title' }, 'Sightings'),
      doc.sightings.length === 0 ? h('p', {}, 'None.') : h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Crawled'), h('th', { scope: 'col' }, 'Source'), h('th', { scope: 'col' }, 'Crawler'))),
        h('tbody', {}, ...doc.sightings.map((s) => h('tr', {},
          h('td', {}, formatTime(s.crawledAt)), h('td', {}, sourceLink(s.uri)), h('td', {}, s.crawler ?? '–')))))),
    h('section', { 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'Assertion history'),
      doc.assertions.length === 0 ? h('p', {}, 'None.') : h('table', { 'data-testid': 'history' },
        h('thead', {}, h('tr', {}, ...['When', 'Kind', 'By', 'Class', 'Confidence', 'Generator', 'Deciding'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...doc.assertions.map((a) => h('tr', { class: a.effective ? 'effective' : '' },
          h('td', {}, formatTime(a.assertedAt)), h('td', {}, a.kind), h('td', {}, a.assertedBy), h('td', {}, a.class),
          h('td', {}, a.confidence === null ? '–' : a.confidence.toFixed(2)), h('td', {}, a.generator ?? '–'),
          h('td', {}, a.effective ? 'yes' : '')))))));
}

// Overview: the registry's counts by class, generator and depth, the documents waiting for the detector, and the
// latest registrations (GET /v1/stats).
import { api } from '../api';
import { append, formatTime, h, link } from '../dom';

export async function renderOverview(main: HTMLElement): Promise<void> {
  const stats = await api.stats();
  const n = (value: number) => value.toLocaleString('en');
  const counts = (caption: string, testId: string, head: string, rows: [string, number][]) => {
    const total = rows.reduce((sum, [, count]) => sum + count, 0);
    return h('table', { class: 'counts', 'data-testid': testId },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, head), h('th', { scope: 'col' }, 'Documents'), h('th', { scope: 'col' }, 'Share'))),
      h('tbody', {}, ...rows.map(([name, count]) => {
        const share = total === 0 ? 0 : count / total;
        const bar = h('span', { class: 'bar-fill' });
        bar.style.width = `${(share * 100).toFixed(1)}%`;
        return h('tr', {}, h('th', { scope: 'row' }, name), h('td', { class: 'number' }, n(count)),
          h('td', {}, h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar), ` ${(share * 100).toFixed(1)}%`));
      })));
  };
  append(main,
    h('h1', {}, 'Overview'),
    h('dl', { class: 'totals', 'data-testid': 'totals' },
      ...([
        ['Documents', stats.documents], ['Sightings', stats.sightings], ['Lineage edges', stats.edges],
        ['Pending edges', stats.pendingEdges], ['Assertions', stats.assertions], ['Waiting for the detector', stats.awaitingDetector],
        ...(stats.awaitingSearchIndex === null ? [] : [['Waiting for the search index', stats.awaitingSearchIndex]]),
      ] as [string, number][]).flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, n(value))])),
    counts('Documents by class', 'by-class', 'Class', Object.entries(stats.byClass)),
    stats.byGenerator.length === 0 ? h('p', {}, 'No generator is known for any document yet.')
      : counts('Documents by generator', 'by-generator', 'Generator', stats.byGenerator.map((g) => [g.generator, g.documents])),
    counts('Documents by depth', 'by-depth', 'Depth',
      stats.byDepth.map((d) => [d.depth === null ? 'unknown' : String(d.depth), d.documents])),
    h('section', { 'aria-labelledby': 'recent-title' },
      h('h2', { id: 'recent-title' }, 'Latest registrations'),
      stats.recent.length === 0 ? h('p', {}, 'None yet.') : h('ol', { class: 'recent', 'data-testid': 'recent' },
        ...stats.recent.map((d) => h('li', {}, link(`/documents/${d.id}`, `Document ${d.id}`), ' ',
          h('span', { class: `class class-${d.class}` }, d.class), `, first seen ${formatTime(d.firstSeen)}`)))));
}

// A document: metadata, current class and the assertion that decides it, sightings, parents, children and pending
// edges, the assertion history as a timeline, the text shaded by the detector's segment scores, and (for a key that
// may assert) a form to assert a class, whose result joins the history without a reload.
import { ApiError, api, type AssertClassRequest, type Assertion, type DocumentDetail, type LineageGraph } from '../api';
import { append, formatTime, h, link, sourceLink } from '../dom';
import { session } from '../session';

const Classes = ['human', 'synthetic', 'mixed', 'unknown'];

export async function renderDocument(main: HTMLElement, ref: string): Promise<void> {
  const doc = await api.documentWithText(ref);
  const children = await api.children(doc.id);
  const facts = h('div', {});
  const history = h('section', { 'aria-labelledby': 'history-title' });
  const show = (d: DocumentDetail) => {
    facts.replaceChildren(factsTable(d));
    history.replaceChildren(h('h2', { id: 'history-title' }, 'Assertion history'), timeline(d.assertions));
  };
  show(doc);
  append(main,
    h('p', {}, link('/find', '← Find')),
    h('h1', {}, `Document ${doc.id}`),
    h('p', {}, link(`/documents/${doc.id}/lineage`, 'Lineage graph')),
    facts,
    session.may('assert') ? assertForm(doc.id, async () => show(await api.document(String(doc.id)))) : null,
    lineage(doc, children),
    history,
    sightings(doc),
    textWithScores(doc));
}

function factsTable(doc: DocumentDetail): HTMLElement {
  const deciding = doc.assertions.find((a) => a.effective);
  const row = (name: string, ...value: (Node | string)[]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, ...value));
  return h('table', { class: 'facts' },
    h('caption', { class: 'visually-hidden' }, 'Metadata'),
    h('tbody', {},
      row('Content hash', h('code', {}, `sha256:${doc.contentHash}`)),
      row('Class', h('span', { class: `class class-${doc.class}`, 'data-testid': 'class' }, doc.class),
        doc.generator ? ` (${doc.generator})` : ''),
      row('Decided by', deciding
        ? `${deciding.kind} assertion by ${deciding.assertedBy}, ${formatTime(deciding.assertedAt)}`
        : doc.assertions.length === 0
          ? 'no assertion yet'
          : `none: the ${doc.assertions.length === 1 ? 'assertion' : `${doc.assertions.length} assertions`} below leave the class ${doc.class}`),
      row('Depth', doc.depth === null ? 'unknown' : String(doc.depth)),
      row('Size', `${doc.charCount.toLocaleString('en')} characters, ${doc.tokenCount.toLocaleString('en')} tokens`),
      row('Language / licence', `${doc.language ?? '–'} / ${doc.licence ?? '–'}`),
      row('Seen', `${formatTime(doc.firstSeen)} to ${formatTime(doc.lastSeen)}, ${doc.sightingCount} sighting${doc.sightingCount === 1 ? '' : 's'}`)));
}

/** The history oldest first, each assertion a step of the timeline; the deciding one is marked in words, not only by style. */
function timeline(assertions: Assertion[]): HTMLElement {
  if (assertions.length === 0) return h('p', { 'data-testid': 'history' }, 'None.');
  return h('ol', { class: 'timeline', 'data-testid': 'history' },
    ...assertions.map((a) => {
      const note = typeof a.evidence?.note === 'string' ? a.evidence.note : null;
      return h('li', { class: a.effective ? 'step effective' : 'step', 'data-testid': 'assertion' },
        h('p', { class: 'when' }, h('time', { datetime: a.assertedAt }, formatTime(a.assertedAt)),
          a.effective ? h('strong', { class: 'deciding' }, ' · decides the class') : ''),
        h('p', {}, h('span', { class: `class class-${a.class}` }, a.class),
          a.generator ? ` by ${a.generator}` : '',
          a.confidence === null ? '' : `, confidence ${a.confidence.toFixed(2)}`),
        h('p', { class: 'who' }, `${a.kind} assertion by ${a.assertedBy}`),
        note ? h('blockquote', { class: 'note' }, note) : '');
    }));
}

/** The classes that name a generator; the registry refuses one with human or unknown. */
const WithGenerator = ['synthetic', 'mixed'];

/**
 * Asserting a class (curator and admin keys): POST …/assertions, then the facts and the history are fetched again.
 * Confidence is optional; the generator field is shown, and sent, only for the classes that take one.
 */
function assertForm(id: number, refresh: () => Promise<void>): HTMLElement {
  const select = h('select', { id: 'assert-class', name: 'class', required: true },
    h('option', { value: '' }, 'Choose a class'), ...Classes.map((c) => h('option', { value: c }, c)));
  const confidence = h('input', { id: 'assert-confidence', name: 'confidence', type: 'number', min: 0, max: 1, step: 0.01,
    inputmode: 'decimal', 'aria-describedby': 'assert-confidence-help' });
  const generator = h('input', { id: 'assert-generator', name: 'generator', type: 'text', size: 30, autocomplete: 'off',
    spellcheck: 'false', 'aria-describedby': 'assert-generator-help' });
  const generatorField = h('div', { hidden: true, 'data-testid': 'assert-generator-field' },
    h('label', { for: 'assert-generator' }, 'Generator (optional)'), generator,
    h('p', { id: 'assert-generator-help', class: 'help' }, 'name@version, e.g. gpt-4o@2024-08-06: the model that wrote the text.'));
  const showGenerator = () => { generatorField.hidden = !WithGenerator.includes(select.value); };
  select.addEventListener('change', showGenerator);
  const note = h('textarea', { id: 'assert-note', name: 'note', rows: 2, cols: 60, 'aria-describedby': 'assert-note-help' });
  const status = h('p', { class: 'status', role: 'status', 'data-testid': 'assert-status' });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'assert-error' });
  const button = h('button', { type: 'submit' }, 'Assert class');
  const form = h('form', { class: 'assert', 'aria-labelledby': 'assert-title' },
    h('h2', { id: 'assert-title' }, 'Assert a class'),
    h('label', { for: 'assert-class' }, 'Class'), select,
    h('label', { for: 'assert-confidence' }, 'Confidence (optional)'), confidence,
    h('p', { id: 'assert-confidence-help', class: 'help' }, 'From 0 to 1: how sure you are of the class.'),
    generatorField,
    h('label', { for: 'assert-note' }, 'Note (optional)'), note,
    h('p', { id: 'assert-note-help', class: 'help' },
      'Kept with the assertion. A curator assertion outranks declarations and detector verdicts; the history keeps what came before.'),
    button, status, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    error.textContent = '';
    if (!select.value) {
      error.textContent = 'Choose a class to assert.';
      select.focus();
      return;
    }
    const request: AssertClassRequest = { class: select.value };
    if (confidence.value.trim()) request.confidence = confidence.valueAsNumber;
    if (!generatorField.hidden && generator.value.trim()) request.generator = generator.value.trim();
    if (note.value.trim()) request.note = note.value;
    button.disabled = true;
    try {
      const result = await api.assert(id, request);
      await refresh();
      status.textContent = `Asserted ${result.assertion.class}; the document's class is now ${result.class}.`;
      form.reset();
      showGenerator();
    } catch (e) {
      error.textContent = e instanceof ApiError
        ? `${e.detail}${e.code ? ` (${e.code})` : ''}`
        : 'The registry did not answer.';
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function lineage(doc: DocumentDetail, children: LineageGraph): HTMLElement {
  const edges = children.edges.filter((e) => e.parent === doc.id);
  const list = (items: HTMLElement[]) => items.length === 0 ? h('p', {}, 'None.') : h('ul', {}, ...items);
  return h('section', { 'aria-labelledby': 'lineage-title' },
    h('h2', { id: 'lineage-title' }, 'Lineage'),
    h('h3', {}, 'Parents'),
    list(doc.parents.map((p) => h('li', {}, link(`/documents/${p.id}`, `Document ${p.id}`), ` ${p.relation}`,
      p.generator ? ` by ${p.generator}` : ''))),
    h('h3', {}, 'Children'),
    h('div', { 'data-testid': 'children' }, list(edges.map((e) => h('li', {}, link(`/documents/${e.child}`, `Document ${e.child}`),
      ` ${e.relation}`, e.generator ? ` by ${e.generator}` : '')))),
    h('h3', {}, 'Pending parents'),
    h('p', { class: 'help' }, 'Parents named by content hash that the registry has not seen yet; the edge is made when they arrive.'),
    h('div', { 'data-testid': 'pending' }, list(doc.pendingParents.map((p) => h('li', {}, h('code', {}, `sha256:${p.contentHash}`),
      ` ${p.relation}`, p.generator ? ` by ${p.generator}` : '', `, waiting since ${formatTime(p.since)}`)))));
}

function sightings(doc: DocumentDetail): HTMLElement {
  return h('section', { 'aria-labelledby': 'sightings-title' },
    h('h2', { id: 'sightings-title' }, 'Sightings'),
    doc.sightings.length === 0 ? h('p', {}, 'None.') : h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Crawled'), h('th', { scope: 'col' }, 'Source'), h('th', { scope: 'col' }, 'Crawler'))),
      h('tbody', {}, ...doc.sightings.map((s) => h('tr', {},
        h('td', {}, formatTime(s.crawledAt)), h('td', {}, sourceLink(s.uri)), h('td', {}, s.crawler ?? '–'))))));
}

interface SegmentScore {
  start: number;
  end: number;
  p_synthetic: number;
  reading: string;
}

/** Shading bands of P(machine-written), lowest first; the legend and the segments share them. */
const Bands = [
  { max: 0.2, label: 'below 0.2' },
  { max: 0.4, label: '0.2 to 0.4' },
  { max: 0.6, label: '0.4 to 0.6' },
  { max: 0.8, label: '0.6 to 0.8' },
  { max: Infinity, label: '0.8 and above' },
];

const bandOf = (p: number) => Bands.findIndex((b) => p < b.max);

/** The segment scores of the latest detector assertion that has them, with the assertion they come from. */
function latestSegments(assertions: Assertion[]): { from: Assertion; segments: SegmentScore[] } | null {
  for (const a of [...assertions].reverse()) {
    const segments = a.kind === 'detector' ? a.evidence?.segments : undefined;
    if (Array.isArray(segments) && segments.length > 0) return { from: a, segments: segments as SegmentScore[] };
  }
  return null;
}

/**
 * The text, each detector segment shaded by its P(machine-written) and labelled with the number and the reading, so
 * the shading is never the only cue. Segments are [start, end) in UTF-16 characters, as JavaScript strings count.
 */
function textWithScores(doc: DocumentDetail): HTMLElement {
  const section = h('section', { 'aria-labelledby': 'text-title' }, h('h2', { id: 'text-title' }, 'Text'));
  const text = doc.text ?? '';
  const scored = latestSegments(doc.assertions);
  if (!scored) {
    append(section, h('p', { class: 'help' }, 'No detector segment scores for this document.'),
      h('div', { class: 'text', 'data-testid': 'text' }, text));
    return section;
  }
  const segments = [...scored.segments].sort((a, b) => a.start - b.start);
  const body = h('div', { class: 'text', 'data-testid': 'text' });
  let at = 0;
  for (const s of segments) {
    if (s.start > at) append(body, text.slice(at, s.start));
    const band = bandOf(s.p_synthetic);
    append(body, h('span', { class: `segment band-${band}`, 'data-testid': 'segment', 'data-band': band },
      h('span', { class: 'score' }, `P(machine) ${s.p_synthetic.toFixed(2)}, ${s.reading}`),
      text.slice(s.start, s.end)));
    at = Math.max(at, s.end);
  }
  if (at < text.length) append(body, text.slice(at));
  append(section,
    h('p', { class: 'help' }, `Segment scores of ${scored.from.assertedBy}, ${formatTime(scored.from.assertedAt)}: `
      + 'each paragraph is shaded by the probability that it contains machine-written text.'),
    h('ul', { class: 'legend', 'aria-label': 'Shading legend', 'data-testid': 'legend' },
      ...Bands.map((b, i) => h('li', {}, h('span', { class: `swatch band-${i}`, 'aria-hidden': 'true' }), `P(machine) ${b.label}`))),
    body);
  return section;
}

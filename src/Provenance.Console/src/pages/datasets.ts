// Datasets: the list with each dataset's versions, a version page (composition charts, the collapse-risk report, the
// spec, the manifest hash, downloads) and the diff between two versions. The assemble form is in assemble.ts.
import { datasetsApi, type DatasetManifest, type DatasetVersion, type DatasetVersionSummary, type Tally } from '../api';
import { append, formatTime, h, link } from '../dom';
import { session } from '../session';
import type { Series } from '../charts';

export const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString('en');
const versionLink = (ref: string) => link(`/datasets/${encodeURIComponent(ref)}`, ref);
const row = (name: string, ...value: (Node | string)[]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, ...value));

export async function renderDatasets(main: HTMLElement): Promise<void> {
  const datasets = await datasetsApi.list();
  append(main, h('h1', {}, 'Datasets'),
    h('p', {}, link('/datasets/diff', 'Compare two versions'),
      session.may('assemble_datasets') ? h('span', {}, ' · ', link('/datasets/assemble', 'Assemble a version')) : ''));
  if (datasets.length === 0) {
    append(main, h('p', {}, 'No dataset has a version yet.'));
    return;
  }
  append(main, h('table', { 'data-testid': 'datasets' },
    h('caption', { class: 'visually-hidden' }, 'Datasets and their versions'),
    h('thead', {}, h('tr', {}, ...['Version', 'Accumulates on', 'Documents', 'Tokens', 'Human share', 'Created', 'By'].map((c) => h('th', { scope: 'col' }, c)))),
    ...datasets.map((d) => h('tbody', {},
      h('tr', { class: 'group' }, h('th', { scope: 'rowgroup', colspan: 7 }, d.name, ` (${d.versions.length} version${d.versions.length === 1 ? '' : 's'})`)),
      ...[...d.versions].reverse().map((v) => h('tr', {},
        h('td', {}, versionLink(v.ref)), h('td', {}, v.base ? versionLink(v.base) : '–'), h('td', {}, count(v.documents)),
        h('td', {}, count(v.tokens)), h('td', {}, percent(v.humanShare)), h('td', {}, formatTime(v.createdAt)), h('td', {}, v.requestedBy)))))));
}

/** A chart with its numbers beside it as a table; `draw` fills the canvas once Chart.js is loaded. */
interface Figure {
  element: HTMLElement;
  draw(charts: typeof import('../charts')): void;
}

export function figure(id: string, title: string, labels: string[], series: Series[], format: (value: number) => string, note?: string): Figure {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: the table below gives the same numbers` });
  const box = h('div', { class: 'chart-box' }, canvas);
  box.style.height = `${Math.max(2, labels.length) * series.length * 1.6 + 3}rem`;
  const element = h('figure', { class: 'chart', 'data-testid': `chart-${id}`, 'aria-labelledby': `${id}-title` },
    h('figcaption', { id: `${id}-title` }, title),
    note ? h('p', { class: 'help' }, note) : '',
    labels.length === 0 ? h('p', {}, 'None.') : box,
    labels.length === 0 ? '' : h('table', { class: 'chart-data' },
      h('caption', { class: 'visually-hidden' }, title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), ...series.map((s) => h('th', { scope: 'col' }, s.label)))),
      h('tbody', {}, ...labels.map((label, i) => h('tr', {}, h('th', { scope: 'row' }, label),
        ...series.map((s) => h('td', {}, format(s.values[i]))))))));
  element.dataset.marks = '0';
  return {
    element,
    draw(charts) {
      if (labels.length === 0) return;
      const drawn = charts.drawBars(canvas, labels, series, format);
      element.dataset.seriesLengths = drawn.join(',');
      element.dataset.marks = String(drawn.reduce((a, b) => a + b, 0));
    },
  };
}

export async function drawFigures(figures: Figure[]): Promise<void> {
  const charts = await import('../charts');
  for (const f of figures) f.draw(charts);
}

/** The weight of a tally in the spec's unit. */
const weigh = (manifest: DatasetManifest) => (t: Tally) => (manifest.stats.unit === 'tokens' ? t.tokens : t.documents);
const total = (manifest: DatasetManifest) => (manifest.stats.unit === 'tokens' ? manifest.stats.tokens : manifest.stats.documents);
const depthLabel = (depth: number | null) => (depth === null ? 'unknown depth' : `depth ${depth}`);

/** The four composition charts of a manifest. */
export function compositionFigures(manifest: DatasetManifest): Figure[] {
  const weight = weigh(manifest);
  const all = total(manifest) || 1;
  const unit = manifest.stats.unit;
  const risk = manifest.collapseRisk;
  const g = risk.generatorConcentration;
  const coverage = risk.sourceCoverage;
  return [
    figure('classes', `Class shares (of ${unit})`, manifest.stats.byClass.map((c) => c.class),
      [{ label: 'share', values: manifest.stats.byClass.map((c) => weight(c) / all) }], percent),
    figure('generators', `Model-written ${unit} by generator`, manifest.stats.byGenerator.map((t) => t.generator ?? 'no generator named'),
      [{ label: unit, values: manifest.stats.byGenerator.map(weight) }], count,
      `${g.generators} generator${g.generators === 1 ? '' : 's'}; the largest${g.topGenerator ? ` (${g.topGenerator})` : ''} wrote ${percent(g.topShare)} of the model-written ${unit}; HHI ${g.hhi.toFixed(3)}.`),
    figure('depth', `Model-written ${unit} by generation depth`, risk.syntheticDepth.histogram.map((d) => depthLabel(d.depth)),
      [{ label: unit, values: risk.syntheticDepth.histogram.map(weight) }], count,
      `Mean depth ${risk.syntheticDepth.mean?.toFixed(2) ?? '–'}, deepest ${risk.syntheticDepth.max ?? '–'}; ${percent(risk.syntheticDepth.recursiveShare)} at depth 2 or more, or of unknown depth.`),
    figure('sources', 'Source domains: share of the version and of the registry', coverage.top.map((d) => d.domain ?? 'no source domain'),
      [{ label: 'version', values: coverage.top.map((d) => d.mixShare) }, { label: 'registry', values: coverage.top.map((d) => d.registryShare) }], percent,
      `${coverage.mixDomains} of the registry's ${coverage.registryDomains} source domains (${percent(coverage.coverage)}); total variation from the registry's distribution ${coverage.totalVariation.toFixed(3)}.`),
  ];
}

/** The collapse-risk report: shares and the warnings a person should read before training. */
export function riskReport(manifest: DatasetManifest): HTMLElement {
  const r = manifest.collapseRisk;
  const a = r.accumulation;
  return h('section', { 'aria-labelledby': 'risk-title', 'data-testid': 'collapse-risk' },
    h('h2', { id: 'risk-title' }, 'Collapse risk'),
    r.warnings.length === 0
      ? h('p', { 'data-testid': 'warnings' }, 'No warnings.')
      : h('ul', { class: 'warnings', 'data-testid': 'warnings' }, ...r.warnings.map((w) => h('li', {}, w))),
    h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Collapse-risk figures'),
      h('tbody', {},
        row('Human / synthetic / mixed / unknown', [r.humanShare, r.syntheticShare, r.mixedShare, r.unknownShare].map(percent).join(' / ')),
        row('Recursive share of model-written text', percent(r.syntheticDepth.recursiveShare)),
        row('Largest generator', `${r.generatorConcentration.topGenerator ?? '–'} (${percent(r.generatorConcentration.topShare)}), HHI ${r.generatorConcentration.hhi.toFixed(3)}`),
        row('Accumulation', `${count(a.baseDocuments)} base documents kept, ${count(a.addedDocuments)} added` +
          (a.baseHumanShare === null ? '' : `; the base was ${percent(a.baseHumanShare)} human`) +
          (a.baseReclassified > 0 ? `; ${count(a.baseReclassified)} base documents reclassified since` : '')),
        row('Admitted on detector scores', count(a.detectorAdmitted)))));
}

async function download(path: string, name: string, status: HTMLElement): Promise<void> {
  status.textContent = `Downloading ${name}…`;
  try {
    const response = await fetch(path, { headers: { 'X-Api-Key': session.key() ?? '' }, credentials: 'omit', cache: 'no-store' });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const url = URL.createObjectURL(await response.blob());
    const a = h('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status.textContent = `Downloaded ${name}.`;
  } catch (e) {
    status.textContent = `Could not download ${name}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function downloads(v: DatasetVersion): HTMLElement {
  const status = h('p', { class: 'help', role: 'status' });
  const file = v.ref.replace('@', '-');
  const item = (label: string, path: string, name: string, what: string) => h('li', {},
    h('a', { href: path, 'data-testid': `download-${name.split('.').pop()}`, onclick: (e: Event) => { e.preventDefault(); void download(path, name, status); } }, label),
    ` (${what}) `, h('code', {}, `GET ${path}`));
  const base = datasetsApi.path(v.ref);
  return h('section', { 'aria-labelledby': 'downloads-title' },
    h('h2', { id: 'downloads-title' }, 'Documents and exports'),
    h('ul', {},
      item('Documents as NDJSON', `${base}/documents`, `${file}.ndjson`, 'the version\'s documents in order with their texts; ?text=false for metadata only, ?offset= to resume'),
      item('Manifest', `${base}/manifest`, `${file}.manifest.json`, 'the canonical bytes whose SHA-256 is the manifest hash'),
      item('PROV-JSON', `${base}/prov`, `${file}.prov.json`, 'W3C PROV: the assembly, its spec, base and agents')),
    h('p', {}, 'Parquet or JSONL with a dataset card and croissant.json: ', h('code', {}, `provenance export ${v.ref} --format parquet --out DIR`)),
    status);
}

export async function renderDatasetVersion(main: HTMLElement, ref: string): Promise<void> {
  const [v, chain] = await Promise.all([datasetsApi.version(ref), datasetsApi.chain(ref)]);
  const m = v.manifest;
  const figures = compositionFigures(m);
  append(main,
    h('p', {}, link('/datasets', '← Datasets')),
    h('h1', {}, `Dataset version ${v.ref}`),
    h('table', { class: 'facts' },
      h('caption', { class: 'visually-hidden' }, 'Version'),
      h('tbody', {},
        row('Manifest hash', h('code', { 'data-testid': 'manifest-hash' }, v.manifestHash)),
        row('Size', `${count(v.documents)} documents, ${count(v.tokens)} tokens (shares in ${m.stats.unit})`),
        row('Human share', percent(v.humanShare)),
        row('Accumulates on', v.base ? h('span', {}, versionLink(v.base), ' · ',
          link(`/datasets/diff?from=${encodeURIComponent(v.base)}&to=${encodeURIComponent(v.ref)}`, 'what changed')) : 'nothing (first of its chain)'),
        row('Created', `${formatTime(v.createdAt)} by ${v.requestedBy}`))),
    h('section', { 'aria-labelledby': 'chain-title' },
      h('h2', { id: 'chain-title' }, 'Version chain'),
      h('ol', { class: 'chain', 'data-testid': 'chain' }, ...chain.map((c: DatasetVersionSummary) => h('li', {},
        c.ref === v.ref ? h('strong', { 'aria-current': 'page' }, c.ref) : versionLink(c.ref),
        `: ${count(c.documents)} documents, ${percent(c.humanShare)} human`)))),
    h('section', { 'aria-labelledby': 'composition-title' },
      h('h2', { id: 'composition-title' }, 'Composition'),
      h('div', { class: 'charts' }, ...figures.map((f) => f.element))),
    riskReport(m),
    downloads(v),
    h('section', { 'aria-labelledby': 'spec-title' },
      h('h2', { id: 'spec-title' }, 'Spec as applied'),
      h('pre', { class: 'spec', 'data-testid': 'spec' }, JSON.stringify(m.spec, null, 2))));
  await drawFigures(figures);
}

/** Rows of a before/after table over the union of two tallies' keys. */
function changes<T extends Tally>(from: T[], to: T[], key: (t: T) => string): { key: string; from: T | undefined; to: T | undefined }[] {
  const keys = [...new Set([...from.map(key), ...to.map(key)])];
  return keys.map((k) => ({ key: k, from: from.find((t) => key(t) === k), to: to.find((t) => key(t) === k) }));
}

const signed = (n: number, format: (n: number) => string) => (n > 0 ? `+${format(n)}` : n < 0 ? `−${format(-n)}` : '0');
const points = (share: number) => `${(share * 100).toFixed(1)} pp`;

export async function renderDatasetDiff(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const fromRef = params.get('from') ?? '';
  const toRef = params.get('to') ?? '';
  const fromInput = h('input', { id: 'diff-from', name: 'from', value: fromRef, required: true, autocomplete: 'off', placeholder: 'web-en@1' });
  const toInput = h('input', { id: 'diff-to', name: 'to', value: toRef, required: true, autocomplete: 'off', placeholder: 'web-en@2' });
  const form = h('form', { class: 'diff-form' },
    h('label', { for: 'diff-from' }, 'From version'), fromInput,
    h('label', { for: 'diff-to' }, 'To version'), toInput,
    h('p', { class: 'help' }, 'A version id, name@N, or a dataset name for its latest version.'),
    h('button', { type: 'submit' }, 'Compare'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `/datasets/diff?from=${encodeURIComponent(fromInput.value.trim())}&to=${encodeURIComponent(toInput.value.trim())}`;
  });
  append(main, h('p', {}, link('/datasets', '← Datasets')), h('h1', {}, 'Compare two versions'), form);
  if (!fromRef || !toRef) return;

  const [from, to, toChain] = await Promise.all([datasetsApi.version(fromRef), datasetsApi.version(toRef), datasetsApi.chain(toRef)]);
  const accumulates = toChain.some((c) => c.id === from.id) && from.id !== to.id;
  const fs = from.manifest.stats;
  const ts = to.manifest.stats;
  const reclassified = to.manifest.collapseRisk.accumulation.baseReclassified;
  const delta = (label: string, rows: { key: string; from: Tally | undefined; to: Tally | undefined }[], testid: string) =>
    h('table', { 'data-testid': testid },
      h('caption', {}, label),
      h('thead', {}, h('tr', {}, ...['', `${from.ref} documents`, `${to.ref} documents`, accumulates ? 'added' : 'change', 'change in tokens'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.key),
        h('td', {}, count(r.from?.documents ?? 0)), h('td', {}, count(r.to?.documents ?? 0)),
        h('td', {}, signed((r.to?.documents ?? 0) - (r.from?.documents ?? 0), count)),
        h('td', {}, signed((r.to?.tokens ?? 0) - (r.from?.tokens ?? 0), count))))));
  const fr = from.manifest.collapseRisk;
  const tr = to.manifest.collapseRisk;
  const shares: [string, number, number][] = [
    ['human', fr.humanShare, tr.humanShare], ['synthetic', fr.syntheticShare, tr.syntheticShare],
    ['mixed', fr.mixedShare, tr.mixedShare], ['unknown', fr.unknownShare, tr.unknownShare],
    ['largest generator', fr.generatorConcentration.topShare, tr.generatorConcentration.topShare],
    ['recursive (depth ≥ 2 or unknown)', fr.syntheticDepth.recursiveShare, tr.syntheticDepth.recursiveShare],
    ['source coverage of the registry', fr.sourceCoverage.coverage, tr.sourceCoverage.coverage],
  ];
  append(main,
    h('h2', { 'data-testid': 'diff-title' }, `${from.ref} → ${to.ref}`),
    h('p', { 'data-testid': 'diff-relation' }, accumulates
      ? `${to.ref} accumulates on ${from.ref}: it keeps its ${count(fs.documents)} documents and adds ${count(ts.documents - fs.documents)}.` +
        (reclassified > 0 ? ` ${count(reclassified)} base documents were reclassified since, so a class's change mixes additions with reclassifications.` : '')
      : `${to.ref} does not accumulate on ${from.ref}: the changes below are net differences of the two manifests, not documents added.`),
    h('p', {}, `Documents ${count(fs.documents)} → ${count(ts.documents)} (${signed(ts.documents - fs.documents, count)}); ` +
      `tokens ${count(fs.tokens)} → ${count(ts.tokens)} (${signed(ts.tokens - fs.tokens, count)}).`),
    delta('By class', changes(fs.byClass, ts.byClass, (t) => t.class), 'diff-classes'),
    delta('Model-written documents by generator', changes(fs.byGenerator, ts.byGenerator, (t) => t.generator ?? 'no generator named'), 'diff-generators'),
    h('table', { 'data-testid': 'diff-shares' },
      h('caption', {}, `How the shares moved (of ${ts.unit})`),
      h('thead', {}, h('tr', {}, ...['share', from.ref, to.ref, 'moved'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...shares.map(([name, a, b]) => h('tr', {}, h('th', { scope: 'row' }, name),
        h('td', {}, percent(a)), h('td', {}, percent(b)), h('td', {}, signed(b - a, points)))))),
    h('p', { class: 'help' }, 'Counts come from the two manifests\' statistics. Which documents a version added, one by one, is in its NDJSON stream.'));
}

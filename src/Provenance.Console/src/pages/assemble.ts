// Assemble a dataset version (trainer and admin roles): a mix spec, a dry run that shows the manifest hash and the
// shares before anything is stored (POST /v1/datasets?dryRun=true), then the real assembly; refusals show their shortfalls.
import { ApiError, datasetsApi, type Shortfall } from '../api';
import { append, h, link } from '../dom';
import { percent, riskReport } from './datasets';

type Field = HTMLInputElement | HTMLSelectElement;

function field(id: string, label: string, input: Field, help?: string): HTMLElement {
  if (help) input.setAttribute('aria-describedby', `${id}-help`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, help ? h('span', { id: `${id}-help`, class: 'help' }, help) : '');
}

const text = (id: string, attributes: Record<string, string | boolean> = {}) =>
  h('input', { id, name: id, autocomplete: 'off', spellcheck: 'false', ...attributes });
const number = (id: string, attributes: Record<string, string | boolean> = {}) =>
  h('input', { id, name: id, type: 'number', autocomplete: 'off', ...attributes });

export function renderAssemble(main: HTMLElement): void {
  const inputs = {
    dataset: text('spec-dataset', { required: true, placeholder: 'web-en' }),
    base: text('spec-base', { placeholder: 'web-en@1' }),
    target: number('spec-target', { required: true, min: '1', step: '1' }),
    unit: h('select', { id: 'spec-unit', name: 'spec-unit' }, h('option', { value: 'documents' }, 'documents'), h('option', { value: 'tokens' }, 'tokens')),
    minHuman: number('spec-min-human', { required: true, min: '0', max: '1', step: 'any' }),
    maxSynthetic: number('spec-max-synthetic', { min: '0', max: '1', step: 'any' }),
    maxDepth: number('spec-max-depth', { min: '1', step: '1' }),
    maxGenerator: number('spec-max-generator', { min: '0', max: '1', step: 'any' }),
    domains: text('spec-domains', { placeholder: 'example.org, news.example.com' }),
    languages: text('spec-languages', { placeholder: 'en, de' }),
    seed: number('spec-seed', { step: '1' }),
  };
  const result = h('section', { class: 'assembly', 'aria-live': 'polite', 'data-testid': 'assembly' });
  const form = h('form', { class: 'assemble', 'aria-labelledby': 'assemble-title' },
    field('spec-dataset', 'Dataset', inputs.dataset, 'lowercase letters, digits, ".", "_" and "-"'),
    field('spec-base', 'Accumulate on (optional)', inputs.base, 'name@N, a dataset name for its latest version, or a version id'),
    field('spec-target', 'Target size', inputs.target, 'of the whole version, base included'),
    field('spec-unit', 'Measured in', inputs.unit, 'shares are measured in the same unit'),
    field('spec-min-human', 'Minimum human share', inputs.minHuman, '0 to 1'),
    field('spec-max-synthetic', 'Maximum synthetic share (optional)', inputs.maxSynthetic, '0 to 1; by default 1 − the minimum human share'),
    field('spec-max-depth', 'Maximum generation depth (optional)', inputs.maxDepth, '1 = generated straight from human text'),
    field('spec-max-generator', 'Maximum share of one generator (optional)', inputs.maxGenerator, '0 to 1'),
    field('spec-domains', 'Source domains (optional)', inputs.domains, 'comma-separated; example.org also matches news.example.org'),
    field('spec-languages', 'Languages (optional)', inputs.languages, 'comma-separated BCP 47 tags'),
    field('spec-seed', 'Seed (optional)', inputs.seed, 'the same seed on the same registry gives the same version'),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', value: 'preview' }, 'Preview (dry run)'),
      h('button', { type: 'submit', value: 'assemble' }, 'Assemble')));

  const value = (input: Field) => input.value.trim();
  const optionalNumber = (input: HTMLInputElement) => (value(input) === '' ? undefined : Number(value(input)));
  const list = (input: HTMLInputElement) => {
    const items = value(input).split(',').map((s) => s.trim()).filter((s) => s !== '');
    return items.length === 0 ? undefined : items;
  };
  const spec = () => {
    const domains = list(inputs.domains);
    const languages = list(inputs.languages);
    return {
      dataset: value(inputs.dataset),
      base: value(inputs.base) || undefined,
      target: { [value(inputs.unit)]: Number(value(inputs.target)) },
      minHumanShare: optionalNumber(inputs.minHuman),
      maxSyntheticShare: optionalNumber(inputs.maxSynthetic),
      maxDepth: optionalNumber(inputs.maxDepth),
      maxGeneratorShare: optionalNumber(inputs.maxGenerator),
      filters: domains || languages ? { sourceDomains: domains, languages } : undefined,
      seed: optionalNumber(inputs.seed),
    };
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const dryRun = (event as SubmitEvent).submitter?.getAttribute('value') !== 'assemble';
    const buttons = [...form.querySelectorAll('button')];
    buttons.forEach((b) => (b.disabled = true));
    result.replaceChildren(h('p', {}, dryRun ? 'Previewing…' : 'Assembling…'));
    try {
      if (dryRun) {
        const preview = await datasetsApi.preview(spec());
        result.replaceChildren(
          h('h2', {}, 'Preview: nothing is stored'),
          h('p', {}, 'Manifest hash ', h('code', { 'data-testid': 'preview-hash' }, preview.manifestHash)),
          h('p', { 'data-testid': 'preview-size' }, `${preview.documents.toLocaleString('en')} documents, ${preview.tokens.toLocaleString('en')} tokens.`),
          sharesTable(preview.manifest.stats.unit, preview.manifest.collapseRisk),
          riskReport(preview.manifest));
      } else {
        const version = await datasetsApi.assemble(spec());
        result.replaceChildren(
          h('h2', {}, version.status === 'created' ? 'Stored' : 'Already stored'),
          h('p', { 'data-testid': 'stored' }, version.status === 'created' ? 'Assembled ' : 'The same spec had already produced ',
            link(`/datasets/${encodeURIComponent(version.ref)}`, version.ref), ', manifest hash ',
            h('code', { 'data-testid': 'stored-hash' }, version.manifestHash), '.'),
          sharesTable(version.manifest.stats.unit, version.manifest.collapseRisk));
      }
    } catch (e) {
      result.replaceChildren(...refusal(e));
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });

  append(main, h('p', {}, link('/datasets', '← Datasets')), h('h1', { id: 'assemble-title' }, 'Assemble a dataset version'),
    h('p', {}, 'Preview first: a dry run assembles the version and reports it without storing anything. The same spec on the same registry gives the same manifest hash.'),
    form, result);
}

function sharesTable(unit: string, risk: { humanShare: number; syntheticShare: number; mixedShare: number; unknownShare: number }): HTMLElement {
  return h('table', { 'data-testid': 'shares' },
    h('caption', {}, `Shares (of ${unit})`),
    h('thead', {}, h('tr', {}, ...['human', 'synthetic', 'mixed', 'unknown'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, h('tr', {}, ...[risk.humanShare, risk.syntheticShare, risk.mixedShare, risk.unknownShare].map((s) => h('td', {}, percent(s))))));
}

/** A refused spec: the registry's reason and, for an infeasible mix, each shortfall with the changes that would work. */
function refusal(e: unknown): Node[] {
  if (!(e instanceof ApiError)) return [h('p', { class: 'error', role: 'alert' }, String(e))];
  const shortfalls = Array.isArray(e.problem.shortfalls) ? (e.problem.shortfalls as Shortfall[]) : [];
  const nodes: Node[] = [
    h('h2', {}, 'Refused'),
    h('p', { class: 'error', role: 'alert', 'data-testid': 'refusal' }, e.detail, e.code ? ` (${e.code})` : ''),
  ];
  if (shortfalls.length > 0) nodes.push(h('table', { 'data-testid': 'shortfalls' },
    h('caption', {}, 'Shortfalls'),
    h('thead', {}, h('tr', {}, ...['Constraint', 'Needed', 'Available', 'Missing', 'Why', 'What would work'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...shortfalls.map((s) => h('tr', { 'data-testid': 'shortfall' },
      h('th', { scope: 'row' }, s.constraint), h('td', {}, s.needed.toLocaleString('en')), h('td', {}, s.available.toLocaleString('en')),
      h('td', {}, s.missing.toLocaleString('en')), h('td', {}, s.explanation),
      h('td', {}, s.suggestions.length === 0 ? '–' : h('ul', {}, ...s.suggestions.map((x) => h('li', {}, x.text)))))))));
  return nodes;
}

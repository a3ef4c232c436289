// The lineage explorer: the DAG around a document, ancestors, descendants or both, to a depth and through chosen
// relations. The graph is drawn by lineage-graph.ts, loaded with import() so its library stays out of the first load;
// the list under it mirrors every node drawn, with the same links, for keyboards, screen readers and tests.
import { lineage, type LineageDirection, type LineageEdge, type LineageNode } from '../api';
import { append, h, link } from '../dom';

export const Relations = ['generated_from', 'paraphrase_of', 'translation_of', 'summary_of', 'edited_from', 'distilled_from', 'augmented_from'];
const Directions: LineageDirection[] = ['ancestors', 'descendants', 'both'];
const DefaultMaxDepth = 3;

/**
 * The most nodes drawn at once, and the default; the nearest generations are drawn first, the rest wait behind
 * "expand here". A curator may draw fewer (`draw` in the route, at least MinDrawLimit); the controls offer DrawLimits.
 */
export const DrawLimit = 2000;
const MinDrawLimit = 10;
const DrawLimits = [100, 500, DrawLimit];

export interface LineageView {
  direction: LineageDirection;
  maxDepth: number;
  relations: string[];
  /** The most nodes drawn at once, MinDrawLimit..DrawLimit. */
  draw: number;
}

/** What is loaded and what of it is drawn, with the marks the drawing needs. */
export interface LineageModel {
  focus: number;
  nodes: Map<number, LineageNode>;
  edges: Map<string, LineageEdge>;
  drawn: Set<number>;
  /** Drawn nodes with neighbours not drawn or not loaded yet. */
  expandable: Set<number>;
  roots: Set<number>;
  /** Nodes and edges on a path from the focus up to a human root. */
  onPath: Set<number>;
  pathEdges: Set<string>;
}

export const edgeKey = (e: LineageEdge) => `${e.parent}-${e.child}-${e.relation}`;

export function parseView(query: URLSearchParams): LineageView {
  const direction = Directions.find((d) => d === query.get('direction')) ?? 'ancestors';
  const depth = Number.parseInt(query.get('maxDepth') ?? '', 10);
  const relations = (query.get('relation') ?? '').split(',').filter((r) => Relations.includes(r));
  const draw = Number.parseInt(query.get('draw') ?? '', 10);
  return {
    direction,
    maxDepth: Number.isInteger(depth) && depth >= 1 && depth <= 1000 ? depth : DefaultMaxDepth,
    relations,
    draw: Number.isInteger(draw) ? Math.min(Math.max(draw, MinDrawLimit), DrawLimit) : DrawLimit,
  };
}

export function lineageRoute(ref: string | number, view: LineageView): string {
  const query = new URLSearchParams({ direction: view.direction, maxDepth: String(view.maxDepth) });
  if (view.relations.length) query.set('relation', view.relations.join(','));
  if (view.draw !== DrawLimit) query.set('draw', String(view.draw));
  return `/documents/${encodeURIComponent(String(ref))}/lineage?${query}`;
}

function controls(ref: string, view: LineageView): HTMLFormElement {
  const direction = h('select', { id: 'lineage-direction', name: 'direction' },
    ...Directions.map((d) => h('option', { value: d, selected: d === view.direction }, d)));
  const depth = h('input', { id: 'lineage-depth', name: 'maxDepth', type: 'number', min: 1, max: 1000, value: view.maxDepth, required: true });
  const limits = DrawLimits.includes(view.draw) ? DrawLimits : [...DrawLimits, view.draw].sort((a, b) => a - b);
  const draw = h('select', { id: 'lineage-draw', name: 'draw' },
    ...limits.map((n) => h('option', { value: n, selected: n === view.draw }, n.toLocaleString('en'))));
  const boxes = Relations.map((r) => h('input', { type: 'checkbox', name: 'relation', value: r, id: `relation-${r}`, checked: view.relations.includes(r) }));
  const form = h('form', { class: 'lineage-controls' },
    h('div', {}, h('label', { for: 'lineage-direction' }, 'Direction'), direction),
    h('div', {}, h('label', { for: 'lineage-depth' }, 'Generations'), depth),
    h('div', {}, h('label', { for: 'lineage-draw' }, 'Draw at most'), draw),
    h('fieldset', {}, h('legend', {}, 'Relations (none ticked: all)'),
      ...boxes.map((box) => h('span', { class: 'relation' }, box, h('label', { for: box.id }, box.value)))),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = lineageRoute(ref, {
      direction: direction.value as LineageDirection,
      maxDepth: Number(depth.value),
      relations: boxes.filter((b) => b.checked).map((b) => b.value),
      draw: Number(draw.value),
    });
  });
  return form;
}

/** Marks the roots, the paths to them and what can be expanded, after the drawn set or the loaded graph changed. */
function mark(model: LineageModel, truncatedAt: number | null): void {
  const parents = new Map<number, LineageEdge[]>();
  const children = new Map<number, LineageEdge[]>();
  for (const e of model.edges.values()) {
    (parents.get(e.child) ?? parents.set(e.child, []).get(e.child)!).push(e);
    (children.get(e.parent) ?? children.set(e.parent, []).get(e.parent)!).push(e);
  }
  // Up from the focus, then down from the roots: a node on both walks lies on a path from the focus to a root.
  const up = new Set([model.focus]);
  for (const queue = [model.focus]; queue.length;) {
    for (const e of parents.get(queue.pop()!) ?? []) if (!up.has(e.parent)) { up.add(e.parent); queue.push(e.parent); }
  }
  const down = new Set([...model.roots].filter((r) => up.has(r)));
  for (const queue = [...down]; queue.length;) {
    for (const e of children.get(queue.pop()!) ?? []) if (up.has(e.child) && !down.has(e.child)) { down.add(e.child); queue.push(e.child); }
  }
  model.onPath = new Set([...down].filter((id) => model.drawn.has(id)));
  model.pathEdges = new Set([...model.edges.values()].filter((e) => model.onPath.has(e.child) && model.onPath.has(e.parent)).map(edgeKey));
  model.expandable = new Set([...model.drawn].filter((id) =>
    [...(parents.get(id) ?? []).map((e) => e.parent), ...(children.get(id) ?? []).map((e) => e.child)].some((n) => !model.drawn.has(n))
    || (truncatedAt !== null && Math.abs(model.nodes.get(id)!.level) >= truncatedAt)));
}

export async function renderLineage(main: HTMLElement, ref: string, query: URLSearchParams): Promise<void> {
  const view = parseView(query);
  const [graph, roots] = await Promise.all([
    lineage.walk(ref, view.direction, view.maxDepth, view.relations),
    view.direction === 'descendants' ? null : lineage.roots(ref),
  ]);
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const nearestFirst = [...graph.nodes].sort((a, b) => Math.abs(a.level) - Math.abs(b.level) || a.id - b.id);
  const model: LineageModel = {
    focus: graph.focus,
    nodes,
    edges: new Map(graph.edges.map((e) => [edgeKey(e), e])),
    drawn: new Set(nearestFirst.slice(0, view.draw).map((n) => n.id)),
    expandable: new Set(),
    roots: new Set((roots?.roots ?? []).map((r) => r.id)),
    onPath: new Set(),
    pathEdges: new Set(),
  };
  const expanded = new Set<number>();
  const truncatedAt = graph.truncated ? view.maxDepth : null;

  const status = h('p', { role: 'status', 'data-testid': 'lineage-status' });
  const canvas = h('div', { class: 'lineage-graph', 'data-testid': 'lineage-graph' });
  const list = h('ol', { class: 'lineage-nodes', 'data-testid': 'lineage-nodes' });
  append(main,
    h('p', {}, link(`/documents/${encodeURIComponent(ref)}`, `← Document ${graph.focus}`)),
    h('h1', {}, `Lineage of document ${graph.focus}`),
    controls(ref, view),
    h('p', { class: 'help' }, 'Colour is the class (green human, red synthetic, purple mixed, grey unknown), the label the id and depth; ',
      'thick borders are human roots, thick lines the paths to them, dashed borders nodes with more to expand. Click a node to move the focus.'),
    status, canvas,
    h('h2', { id: 'lineage-nodes-title' }, 'Nodes drawn'), list);

  const { draw } = await import('./lineage-graph');
  const redraw = () => {
    mark(model, truncatedAt);
    for (const id of expanded) model.expandable.delete(id);
    const started = performance.now();
    const timing = draw(canvas, model, (id) => { location.hash = lineageRoute(id, view); });
    // The figures the browser benchmark reads: layout, building the graph, and until the first frame is painted.
    canvas.dataset.layoutMs = timing.layoutMs.toFixed(1);
    canvas.dataset.renderMs = timing.renderMs.toFixed(1);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      canvas.dataset.paintedMs = (performance.now() - started).toFixed(1);
      canvas.dataset.nodeCount = String(model.drawn.size);
    }));
    const hidden = model.nodes.size - model.drawn.size;
    status.textContent = (hidden > 0
      ? `${model.drawn.size} of ${model.nodes.size} nodes drawn (at most ${view.draw.toLocaleString('en')} at first; `
        + 'expand a node to draw its neighbours)'
      : `${model.drawn.size} node${model.drawn.size === 1 ? '' : 's'} drawn`)
      + (graph.truncated ? `; the walk stops at ${view.maxDepth} generation${view.maxDepth === 1 ? '' : 's'} or the registry's node limit` : '')
      + '.';
    list.replaceChildren(...[...model.drawn].map((id) => model.nodes.get(id)!)
      .sort((a, b) => a.level - b.level || a.id - b.id)
      .map((n) => h('li', {
        'data-node-id': n.id, 'data-class': n.class, 'data-level': n.level,
        'data-root': model.roots.has(n.id), 'data-on-path': model.onPath.has(n.id), 'data-focus': n.id === model.focus,
        'data-expandable': model.expandable.has(n.id),
      },
      n.id === model.focus ? h('strong', {}, `Document ${n.id}`) : link(lineageRoute(n.id, view), `Document ${n.id}`),
      ` ${n.class}, depth ${n.depth ?? 'unknown'}, ${n.level === 0 ? 'focus' : `${Math.abs(n.level)} generation${Math.abs(n.level) === 1 ? '' : 's'} ${n.level < 0 ? 'up' : 'down'}`}`,
      model.roots.has(n.id) ? ', human root' : model.onPath.has(n.id) ? ', on a path to a human root' : '',
      model.expandable.has(n.id) ? h('button', { type: 'button', class: 'link', onclick: () => void expand(n) }, `Expand here (document ${n.id})`) : null)));
  };
  const expand = async (node: LineageNode) => {
    // The node's next generation: the loaded neighbours not drawn yet, and one more hop from the registry.
    const directions: LineageDirection[] = node.level < 0 ? ['ancestors'] : node.level > 0 ? ['descendants'] : [view.direction];
    for (const direction of directions) {
      const more = await lineage.walk(String(node.id), direction, 1, view.relations);
      for (const n of more.nodes) if (!model.nodes.has(n.id)) model.nodes.set(n.id, { ...n, level: node.level + n.level });
      for (const e of more.edges) model.edges.set(edgeKey(e), e);
    }
    for (const e of model.edges.values()) {
      if (e.child === node.id) model.drawn.add(e.parent);
      if (e.parent === node.id) model.drawn.add(e.child);
    }
    expanded.add(node.id);
    redraw();
  };
  redraw();
}

// Draws a lineage model with cytoscape.js. The layout is layered by the registry's own `level` (generations from the
// focus, ancestors above, descendants below), ordered within a layer by the mean position of the neighbours already
// placed, nearest layers first: linear in nodes and edges, so 2,000 nodes lay out in milliseconds where a general
// layered layout (dagre) takes minutes.
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import type { LineageNode } from '../api';
import { edgeKey, type LineageModel } from './lineage';

const NodeGap = 70;
const LayerGap = 110;
const Colours: Record<string, string> = { human: '#2e7d32', synthetic: '#c62828', mixed: '#6a1b9a', unknown: '#616161' };

let current: Core | null = null;

/** Positions by layer: x from the order within the layer, y from the level. */
export function layered(nodes: LineageNode[], neighbours: Map<number, number[]>): Map<number, { x: number; y: number }> {
  const layers = new Map<number, LineageNode[]>();
  for (const n of nodes) (layers.get(n.level) ?? layers.set(n.level, []).get(n.level)!).push(n);
  const placed = new Map<number, number>();
  const positions = new Map<number, { x: number; y: number }>();
  for (const level of [...layers.keys()].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b)) {
    const layer = layers.get(level)!.map((n) => {
      const known = (neighbours.get(n.id) ?? []).filter((m) => placed.has(m)).map((m) => placed.get(m)!);
      return { n, at: known.length ? known.reduce((s, x) => s + x, 0) / known.length : Number.POSITIVE_INFINITY };
    });
    layer.sort((a, b) => a.at - b.at || a.n.id - b.n.id);
    layer.forEach(({ n }, i) => {
      const x = (i - (layer.length - 1) / 2) * NodeGap;
      placed.set(n.id, x);
      positions.set(n.id, { x, y: level * LayerGap });
    });
  }
  return positions;
}

/** Draws the model into the container, replacing what was drawn before; returns the time the layout and drawing took. */
export function draw(container: HTMLElement, model: LineageModel, onFocus: (id: number) => void): { layoutMs: number; renderMs: number } {
  current?.destroy();
  const started = performance.now();
  const edges = [...model.edges.values()].filter((e) => model.drawn.has(e.child) && model.drawn.has(e.parent));
  const neighbours = new Map<number, number[]>();
  for (const e of edges) {
    (neighbours.get(e.child) ?? neighbours.set(e.child, []).get(e.child)!).push(e.parent);
    (neighbours.get(e.parent) ?? neighbours.set(e.parent, []).get(e.parent)!).push(e.child);
  }
  const nodes = [...model.drawn].map((id) => model.nodes.get(id)!);
  const positions = layered(nodes, neighbours);
  const layoutMs = performance.now() - started;

  const elements: ElementDefinition[] = [
    ...nodes.map((n) => ({
      group: 'nodes' as const,
      data: { id: String(n.id), label: `${n.id}\nd ${n.depth ?? '?'}`, colour: Colours[n.class] ?? Colours.unknown },
      position: positions.get(n.id)!,
      classes: [n.id === model.focus ? 'focus' : '', model.roots.has(n.id) ? 'root' : '', model.onPath.has(n.id) ? 'path' : '',
        model.expandable.has(n.id) ? 'more' : ''].filter(Boolean),
    })),
    ...edges.map((e) => ({
      group: 'edges' as const,
      data: { id: edgeKey(e), source: String(e.parent), target: String(e.child), relation: e.relation },
      classes: model.pathEdges.has(edgeKey(e)) ? ['path'] : [],
    })),
  ];
  const cy = cytoscape({
    container,
    elements,
    layout: { name: 'preset', fit: true, padding: 30 },
    minZoom: 0.02,
    maxZoom: 3,
    hideEdgesOnViewport: nodes.length > 500,
    textureOnViewport: nodes.length > 500,
    style: [
      { selector: 'node', style: {
        'background-color': 'data(colour)', label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 11, color: '#fff',
        'text-valign': 'center', 'text-halign': 'center', width: 44, height: 44, 'border-width': 1, 'border-color': '#1b1b1b',
        'min-zoomed-font-size': 8,
      } },
      { selector: 'node.more', style: { 'border-style': 'dashed', 'border-width': 3 } },
      { selector: 'node.path', style: { 'border-width': 3, 'border-color': '#f9a825' } },
      { selector: 'node.root', style: { 'border-width': 6, 'border-color': '#f9a825', 'border-style': 'double' } },
      { selector: 'node.focus', style: { width: 60, height: 60, 'font-weight': 'bold' } },
      { selector: 'edge', style: {
        width: 1.5, 'line-color': '#9e9e9e', 'target-arrow-color': '#9e9e9e', 'target-arrow-shape': 'triangle', 'curve-style': 'straight',
      } },
      { selector: 'edge.path', style: { width: 4, 'line-color': '#f9a825', 'target-arrow-color': '#f9a825' } },
    ],
  });
  cy.on('tap', 'node', (event) => onFocus(Number(event.target.id())));
  current = cy;
  // Where each node is on screen, for the list's mirror (and a test's click); refreshed when the view moves.
  const mirror = () => {
    const items = new Map([...document.querySelectorAll<HTMLElement>('li[data-node-id]')].map((li) => [li.dataset.nodeId, li]));
    for (const node of cy.nodes()) {
      const item = items.get(node.id());
      if (!item) continue;
      const at = node.renderedPosition();
      item.dataset.x = at.x.toFixed(0);
      item.dataset.y = at.y.toFixed(0);
    }
  };
  let pending = false;
  cy.on('viewport', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; mirror(); });
  });
  const renderMs = performance.now() - started - layoutMs;
  requestAnimationFrame(mirror);
  return { layoutMs, renderMs };
}

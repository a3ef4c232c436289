// The registry's HTTP API, called from the same origin with the API key of the session.
import { session } from './session';

/** An RFC 7807 problem the registry answered, with its stable code. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string | null, readonly detail: string) {
    super(detail);
  }
}

export interface CurrentKey {
  name: string;
  role: string;
  permissions: string[];
}

export interface SearchHit {
  id: number;
  contentHash: string;
  class: string;
  sourceUri: string | null;
  snippet: string;
}

export interface SearchPage {
  query: string;
  kind: 'id' | 'hash' | 'url' | 'text';
  items: SearchHit[];
  next: string | null;
}

export interface Sighting {
  uri: string | null;
  crawledAt: string;
  crawler: string | null;
}

export interface Assertion {
  id: number;
  kind: string;
  assertedBy: string;
  class: string;
  confidence: number | null;
  generator: string | null;
  assertedAt: string;
  effective: boolean;
}

export interface Parent {
  id: number;
  contentHash: string;
  relation: string;
  generator: string | null;
}

export interface DocumentDetail {
  id: number;
  contentHash: string;
  class: string;
  depth: number | null;
  generator: string | null;
  charCount: number;
  tokenCount: number;
  language: string | null;
  licence: string | null;
  firstSeen: string;
  lastSeen: string;
  sightingCount: number;
  sightings: Sighting[];
  assertions: Assertion[];
  parents: Parent[];
}

export async function get<T>(path: string, key: string | null = session.key()): Promise<T> {
  const response = await fetch(path, {
    headers: key ? { 'X-Api-Key': key, Accept: 'application/json' } : { Accept: 'application/json' },
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) {
    let code: string | null = null;
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      code = problem.code ?? null;
      detail = problem.detail ?? detail;
    } catch {
      // not a problem document; the status says enough
    }
    throw new ApiError(response.status, code, detail);
  }
  return (await response.json()) as T;
}

export const api = {
  me: (key?: string) => get<CurrentKey>('/v1/keys/me', key ?? session.key()),
  search: (q: string, cursor: string | null) =>
    get<SearchPage>(`/v1/documents?q=${encodeURIComponent(q)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  document: (id: string) => get<DocumentDetail>(`/v1/documents/${encodeURIComponent(id)}`),
};

export interface LineageNode {
  id: number;
  contentHash: string;
  class: string;
  depth: number | null;
  generator: string | null;
  /** Generations from the focus: negative for ancestors, positive for descendants. */
  level: number;
}

export interface LineageEdge {
  child: number;
  parent: number;
  relation: string;
  generator: string | null;
}

export interface LineageGraph {
  focus: number;
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
}

export interface Roots {
  focus: number;
  roots: LineageNode[];
  unanchored: LineageNode[];
}

export type LineageDirection = 'ancestors' | 'descendants' | 'both';

export const lineage = {
  walk: (ref: string, direction: LineageDirection, maxDepth: number, relations: string[]) =>
    get<LineageGraph>(`/v1/documents/${encodeURIComponent(ref)}/${direction === 'both' ? 'graph' : direction}?maxDepth=${maxDepth}`
      + (relations.length ? `&relation=${relations.map(encodeURIComponent).join(',')}` : '')),
  roots: (ref: string) => get<Roots>(`/v1/documents/${encodeURIComponent(ref)}/roots`),
};

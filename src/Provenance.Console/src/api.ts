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
  evidence: Record<string, unknown> | null;
  assertedAt: string;
  effective: boolean;
}

export interface Parent {
  id: number;
  contentHash: string;
  relation: string;
  generator: string | null;
}

export interface PendingParent {
  contentHash: string;
  relation: string;
  generator: string | null;
  since: string;
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
  pendingParents: PendingParent[];
  text: string | null;
}

export interface LineageNode {
  id: number;
  contentHash: string;
  class: string;
  depth: number | null;
  generator: string | null;
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

export interface AssertClassRequest {
  class: string;
  note?: string;
}

export interface AssertClassResponse {
  assertion: Assertion;
  class: string;
  depth: number | null;
}

export interface StatsResponse {
  documents: number;
  sightings: number;
  edges: number;
  pendingEdges: number;
  assertions: number;
  byClass: Record<string, number>;
  byGenerator: { generator: string; documents: number }[];
  byDepth: { depth: number | null; documents: number }[];
  awaitingDetector: number;
  recent: { id: number; contentHash: string; class: string; firstSeen: string }[];
}

export async function get<T>(path: string, key: string | null = session.key()): Promise<T> {
  const response = await fetch(path, {
    headers: key ? { 'X-Api-Key': key, Accept: 'application/json' } : { Accept: 'application/json' },
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as T;
}

/** Sends JSON with the session's key; an answer that is not 2xx becomes an ApiError with the problem's code. */
export async function post<T>(path: string, body: unknown): Promise<T> {
  const key = session.key();
  const response = await fetch(path, {
    method: 'POST',
    headers: { ...(key ? { 'X-Api-Key': key } : {}), Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as T;
}

/** The RFC 7807 problem of a failed answer, or its status line when the body is not one. */
async function problemOf(response: Response): Promise<ApiError> {
  let code: string | null = null;
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = await response.json();
    code = problem.code ?? null;
    detail = problem.detail ?? detail;
  } catch {
    // not a problem document; the status says enough
  }
  return new ApiError(response.status, code, detail);
}

export const api = {
  me: (key?: string) => get<CurrentKey>('/v1/keys/me', key ?? session.key()),
  search: (q: string, cursor: string | null) =>
    get<SearchPage>(`/v1/documents?q=${encodeURIComponent(q)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  document: (id: string) => get<DocumentDetail>(`/v1/documents/${encodeURIComponent(id)}`),
  documentWithText: (id: string) => get<DocumentDetail>(`/v1/documents/${encodeURIComponent(id)}?include=text`),
  children: (id: number) => get<LineageGraph>(`/v1/documents/${id}/descendants?maxDepth=1`),
  assert: (id: number, request: AssertClassRequest) => post<AssertClassResponse>(`/v1/documents/${id}/assertions`, request),
  stats: () => get<StatsResponse>('/v1/stats'),
};

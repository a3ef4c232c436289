// The registry's HTTP API, called from the same origin with the API key of the session.
import { session } from './session';

/** An RFC 7807 problem the registry answered, with its stable code. */
export class ApiError extends Error {
  /** `problem` is the whole problem document, with members beyond code and detail (shortfalls, say). */
  constructor(readonly status: number, readonly code: string | null, readonly detail: string, readonly problem: Record<string, unknown> = {}) {
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

export interface AssertClassRequest {
  class: string;
  confidence?: number;
  generator?: string;
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
  /** null when the registry does not index texts (Search:IndexText false). */
  awaitingSearchIndex: number | null;
}

export function get<T>(path: string, key: string | null = session.key()): Promise<T> {
  return send<T>('GET', path, undefined, key);
}

export function post<T>(path: string, body: unknown, key: string | null = session.key()): Promise<T> {
  return send<T>('POST', path, body, key);
}

async function send<T>(method: string, path: string, body: unknown, key: string | null): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (key) headers['X-Api-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as T;
}

/** The RFC 7807 problem of a failed answer, or its status line when the body is not one. */
async function problemOf(response: Response): Promise<ApiError> {
  let problem: Record<string, unknown> = {};
  try {
    problem = await response.json();
  } catch {
    // not a problem document; the status says enough
  }
  const code = typeof problem.code === 'string' ? problem.code : null;
  const detail = typeof problem.detail === 'string' ? problem.detail : `${response.status} ${response.statusText}`;
  return new ApiError(response.status, code, detail, problem);
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

// Datasets (GET /v1/datasets…, POST /v1/datasets): the shapes of Provenance.Contracts.Datasets.

export interface Tally { documents: number; tokens: number }
export interface ClassTally extends Tally { class: string }
export interface GeneratorTally extends Tally { generator: string | null }
export interface DepthTally extends Tally { depth: number | null }
export interface SourceTally extends Tally { domain: string | null }

export interface DatasetStats {
  unit: 'documents' | 'tokens';
  documents: number;
  tokens: number;
  byClass: ClassTally[];
  byGenerator: GeneratorTally[];
  bySource: { distinct: number; top: SourceTally[]; otherDocuments: number; otherTokens: number };
  byDepth: DepthTally[];
}

export interface CollapseRisk {
  humanShare: number;
  syntheticShare: number;
  mixedShare: number;
  unknownShare: number;
  syntheticDepth: { histogram: DepthTally[]; mean: number | null; max: number | null; recursiveShare: number };
  generatorConcentration: { generators: number; topGenerator: string | null; topShare: number; hhi: number; unattributedDocuments: number };
  sourceCoverage: {
    mixDomains: number; registryDomains: number; coverage: number; totalVariation: number;
    top: { domain: string | null; mixShare: number; registryShare: number }[];
  };
  accumulation: {
    baseDocuments: number; baseTokens: number; addedDocuments: number; addedTokens: number;
    baseHumanShare: number | null; baseReclassified: number; detectorAdmitted: number;
  };
  warnings: string[];
}

export interface DatasetManifest {
  format: string;
  dataset: string;
  spec: Record<string, unknown>;
  base: { id: number; dataset: string; version: number; manifestHash: string } | null;
  stats: DatasetStats;
  collapseRisk: CollapseRisk;
}

export interface DatasetVersionSummary {
  id: number;
  dataset: string;
  version: number;
  ref: string;
  manifestHash: string;
  documents: number;
  tokens: number;
  humanShare: number;
  base: string | null;
  createdAt: string;
  requestedBy: string;
}

export interface DatasetVersion extends DatasetVersionSummary {
  status: 'created' | 'existing' | 'stored';
  manifest: DatasetManifest;
}

export interface DatasetPreview { manifestHash: string; documents: number; tokens: number; manifest: DatasetManifest }

export interface Dataset { name: string; createdAt: string; versions: DatasetVersionSummary[] }

/** One member of an infeasible_mix problem's shortfalls. */
export interface Shortfall {
  constraint: string;
  needed: number;
  available: number;
  missing: number;
  explanation: string;
  suggestions: { text: string }[];
}

const datasetPath = (ref: string) => `/v1/datasets/${encodeURIComponent(ref)}`;

export const datasetsApi = {
  list: () => get<Dataset[]>('/v1/datasets'),
  version: (ref: string) => get<DatasetVersion>(datasetPath(ref)),
  chain: (ref: string) => get<DatasetVersionSummary[]>(`${datasetPath(ref)}/chain`),
  preview: (spec: unknown) => post<DatasetPreview>('/v1/datasets?dryRun=true', spec),
  assemble: (spec: unknown) => post<DatasetVersion>('/v1/datasets', spec),
  path: datasetPath,
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
